// client/runtime/supervisor/state.ts: a `running` record is believed only while the kernel agrees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootId } from '../../../../../client/runtime/container-store.js';
import { isAlive, processStartTime, staleReason } from '../../../../../client/runtime/supervisor/state.js';

const me = process.pid;
const myStart = processStartTime(me)!;

test('liveness: pid and start time', () => {
  assert.equal(typeof myStart, 'number');
  assert.equal(isAlive(me), true);
  assert.equal(isAlive(me, myStart), true);
  assert.equal(isAlive(me, myStart + 1), false, 'a reused pid has another start time');
  assert.equal(isAlive(undefined), false);
  assert.equal(isAlive(2 ** 22 + 7), false);
});

test('stale reasons: reboot, dead supervisor, dead PID 1 of an unsupervised container', () => {
  const base = { status: 'running' as const, pid: me, pidStart: myStart, bootId: bootId() };
  assert.equal(staleReason(base), undefined);
  assert.equal(staleReason({ ...base, bootId: 'other-boot' }), 'the machine rebooted');
  assert.equal(staleReason({ ...base, pidStart: myStart + 1 }), 'its process is gone');
  assert.equal(staleReason({ ...base, supervisorPid: 2 ** 22 + 7 }), 'its supervisor died');
  // A live supervisor is trusted even when PID 1 is already gone: it records the real exit itself.
  assert.equal(staleReason({ ...base, pid: 2 ** 22 + 7, supervisorPid: me, supervisorStart: myStart }), undefined);
  assert.equal(staleReason({ status: 'stopped', bootId: 'x' }), undefined);
});
