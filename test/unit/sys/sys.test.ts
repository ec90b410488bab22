// linuxSys is exactly the sys/ wrappers, and Sys stays the small mount-ish surface RecordingSys fakes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as mountMod from '../../../sys/mount.js';
import * as processMod from '../../../sys/process.js';
import * as netMod from '../../../sys/net.js';
import { linuxSys, type Sys } from '../../../sys/sys.js';

test('linuxSys methods are the module functions', () => {
  const expected: Sys = {
    mount: mountMod.mount,
    umount2: mountMod.umount2,
    pivotRoot: mountMod.pivotRoot,
    remountReadOnly: mountMod.remountReadOnly,
    bindMount: mountMod.bindMount,
    mountFlagsOf: mountMod.mountFlagsOf,
    sethostname: processMod.sethostname,
    chdir: processMod.chdir,
    interfaceUp: netMod.interfaceUp,
  };
  assert.deepEqual(Object.keys(linuxSys).sort(), Object.keys(expected).sort());
  for (const [name, fn] of Object.entries(expected)) assert.equal(linuxSys[name as keyof Sys], fn, name);
  assert.ok(Object.isFrozen(linuxSys));
});
