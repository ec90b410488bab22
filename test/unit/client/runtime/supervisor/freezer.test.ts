// client/runtime/supervisor/freezer.ts: finding the cgroup2 mount, telling v1 from v2 freezers, the record in
// the run dir. The freezing itself needs cgroups: test/integration/runtime/supervisor/pause.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cgroup2Mount, freezerAt, recordedFreezer } from '../../../../../client/runtime/supervisor/freezer.js';

const dir = mkdtempSync(join(tmpdir(), 'myctr-freezer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('cgroup2Mount: the hybrid layout, the unified one, none', () => {
  const hybrid = [
    '30 24 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755',
    '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw',
    '32 30 0:28 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer',
  ].join('\n');
  assert.equal(cgroup2Mount(hybrid), '/sys/fs/cgroup/unified');
  assert.equal(cgroup2Mount('29 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n'), '/sys/fs/cgroup');
  assert.equal(cgroup2Mount('32 30 0:28 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n'), undefined);
});

test('freezerAt: v1 by freezer.state, v2 by cgroup.freeze and cgroup.events', () => {
  const v1 = join(dir, 'v1');
  mkdirSync(v1);
  writeFileSync(join(v1, 'freezer.state'), 'THAWED\n');
  const f1 = freezerAt(v1);
  assert.equal(f1.kind, 'v1');
  assert.equal(f1.frozen(), false);
  f1.freeze();
  assert.equal(f1.frozen(), true);
  const v2 = join(dir, 'v2');
  mkdirSync(v2);
  writeFileSync(join(v2, 'cgroup.freeze'), '0\n');
  writeFileSync(join(v2, 'cgroup.events'), 'populated 1\nfrozen 0\n');
  const f2 = freezerAt(v2);
  assert.equal(f2.kind, 'v2');
  f2.freeze();
  assert.equal(f2.frozen(), true);
  assert.equal(f2.settled(), false, 'requested, not yet reached');
  writeFileSync(join(v2, 'cgroup.events'), 'populated 1\nfrozen 1\n');
  assert.equal(f2.settled(), true);
  f2.thaw();
  assert.equal(f2.frozen(), false);
});

test('recordedFreezer: the path noted in the run dir, none without the note', () => {
  const run = join(dir, 'run');
  mkdirSync(run);
  assert.equal(recordedFreezer(run), undefined);
  writeFileSync(join(run, 'freezer'), join(dir, 'v2'));
  assert.equal(recordedFreezer(run)?.dir, join(dir, 'v2'));
});
