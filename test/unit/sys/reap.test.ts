// sys/reap.ts: wait-status decoding (the child's side is exercised by daemon/reaper.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWaitStatus, reapIfExited } from '../../../sys/reap.js';

test('decodeWaitStatus: exit codes and signals as ChildProcess reports them', () => {
  assert.deepEqual(decodeWaitStatus(0), { code: 0, signal: null });
  assert.deepEqual(decodeWaitStatus(7 << 8), { code: 7, signal: null });
  assert.deepEqual(decodeWaitStatus(9), { code: null, signal: 'SIGKILL' });
  assert.deepEqual(decodeWaitStatus(15 | 0x80), { code: null, signal: 'SIGTERM' }, 'the core-dump bit is ignored');
});

test('reapIfExited on a pid that is not our child: ECHILD', () => {
  assert.throws(() => reapIfExited(1), { errnoName: 'ECHILD' });
});
