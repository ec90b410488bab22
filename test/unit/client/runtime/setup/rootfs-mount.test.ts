// mountRootfs driver order with a RecordingSys: a forced driver never falls back, auto falls back with one
// warning. The fuse-overlayfs path itself needs /dev/fuse and runs in test/integration/image/whiteouts.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { mountRootfs } from '../../../../../client/runtime/setup/rootfs-mount.js';
import type { SetupOp } from '../../../../../client/runtime/setup/ops.js';
import { RecordingSys } from '../../../../support/recording-sys.js';

function fixture(t: TestContext, extra: Partial<Extract<SetupOp, { kind: 'rootfs-overlay' }>> = {}) {
  const d = mkdtempSync(join(tmpdir(), 'myctr-rootfs-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  mkdirSync(join(d, 'l1'));
  writeFileSync(join(d, 'l1', 'f'), 'one');
  const op = { kind: 'rootfs-overlay' as const, target: join(d, 'rootfs'), lower: [join(d, 'l1')], upper: join(d, 'upper'),
    work: join(d, 'work'), copyFallback: join(d, 'copy'), ...extra };
  const logs: [string, string][] = [];
  return { d, op, logs, log: (level: string, msg: string) => { logs.push([level, msg]); } };
}

test('forced copy never tries overlay and copies the layers', (t) => {
  const { d, op, log, logs } = fixture(t, { driver: 'copy' });
  const sys = new RecordingSys();
  assert.equal(mountRootfs(op, sys, log, true), 'copy');
  assert.deepEqual(sys.fns(), ['bindMount']);
  assert.equal(readFileSync(join(d, 'copy', 'f'), 'utf8'), 'one');
  assert.deepEqual(logs, [], 'a forced driver does not warn');
});

test('forced overlay that the kernel refuses is an error, not a copy', (t) => {
  const { d, op, log } = fixture(t, { driver: 'overlay' });
  const sys = new RecordingSys().failNth('mount', 1, 'EPERM');
  assert.throws(() => mountRootfs(op, sys, log, true), /EPERM/);
  assert.deepEqual(sys.fns(), ['mount']);
  assert.throws(() => readFileSync(join(d, 'copy', 'f')));
});

test('forced fuse-overlayfs without a usable binary is an error', (t) => {
  const { op, log } = fixture(t, { driver: 'fuse-overlayfs' });
  const sys = new RecordingSys();
  assert.throws(() => mountRootfs(op, sys, log, true), /fuse-overlayfs is not usable/);
  assert.deepEqual(sys.fns(), []);
});

test('auto: overlay refused and no fuse-overlayfs → copy with one warning naming the errno', (t) => {
  const { op, log, logs } = fixture(t);
  const sys = new RecordingSys().failNth('mount', 1, 'EINVAL');
  assert.equal(mountRootfs(op, sys, log, true), 'copy');
  assert.equal(logs.filter(([l]) => l === 'warn').length, 1);
  assert.match(logs[0]![1], /overlay refused \(EINVAL\); copying/);
});
