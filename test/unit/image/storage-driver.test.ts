// The rootfs driver choice: MYCTR_STORAGE_DRIVER validation and the fuse-overlayfs usability check (a fake
// binary on PATH and a fake /dev/fuse, so the outcome does not depend on the host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseRootfsDriver, probeFuseOverlayfs, storageDriverSetting } from '../../../client/image/storage-driver.js';
import { MyctrError } from '../../../client/runtime/errors.js';

function scratch(t: { after(fn: () => void): void }): { bin: string; fuse: string; noFuse: string } {
  const d = mkdtempSync(join(tmpdir(), 'myctr-driver-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  writeFileSync(join(d, 'fuse-overlayfs'), '#!/bin/sh\n');
  chmodSync(join(d, 'fuse-overlayfs'), 0o755);
  writeFileSync(join(d, 'fuse'), '');
  return { bin: d, fuse: join(d, 'fuse'), noFuse: join(d, 'missing') };
}

test('MYCTR_STORAGE_DRIVER: unset and auto mean automatic, known names pass, others are usage errors', () => {
  assert.equal(storageDriverSetting({}), undefined);
  assert.equal(storageDriverSetting({ MYCTR_STORAGE_DRIVER: 'auto' }), undefined);
  for (const d of ['overlay', 'fuse-overlayfs', 'copy']) assert.equal(storageDriverSetting({ MYCTR_STORAGE_DRIVER: d }), d);
  assert.throws(() => storageDriverSetting({ MYCTR_STORAGE_DRIVER: 'vfs' }), (e: unknown) =>
    e instanceof MyctrError && e.code === 'MYCTR_USAGE' && /`vfs` is not a storage driver/.test(e.message) && /auto, overlay/.test(e.hint ?? ''));
});

test('fuse-overlayfs is offered only when the binary and /dev/fuse are usable', (t) => {
  const s = scratch(t);
  const env = { PATH: s.bin };
  assert.deepEqual(probeFuseOverlayfs(env, s.fuse), { path: join(s.bin, 'fuse-overlayfs') });
  assert.match((probeFuseOverlayfs(env, s.noFuse) as { reason: string }).reason, /missing is not usable \(ENOENT\)/);
  assert.deepEqual(chooseRootfsDriver(env, s.fuse), { fuseOverlayfs: join(s.bin, 'fuse-overlayfs') });
  assert.deepEqual(chooseRootfsDriver(env, s.noFuse), {});
  assert.deepEqual(chooseRootfsDriver({ ...env, MYCTR_STORAGE_DRIVER: 'copy' }, s.fuse), { driver: 'copy' });
  assert.deepEqual(chooseRootfsDriver({ ...env, MYCTR_STORAGE_DRIVER: 'fuse-overlayfs' }, s.fuse),
    { driver: 'fuse-overlayfs', fuseOverlayfs: join(s.bin, 'fuse-overlayfs') });
  assert.throws(() => chooseRootfsDriver({ ...env, MYCTR_STORAGE_DRIVER: 'fuse-overlayfs' }, s.noFuse), (e: unknown) =>
    e instanceof MyctrError && e.code === 'MYCTR_MISSING_TOOL' && /storage driver fuse-overlayfs/.test(e.message));
});
