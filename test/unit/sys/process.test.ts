// sys/process.ts: harmless calls in-process; hostname, setsid and credentials in children.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getpid, kill, umask } from '../../../sys/process.js';
import { requireProbe, resultOf, rootAvailable, runFixture, usernsAvailable } from './helpers.js';

const OK = { ok: true, value: null };

test('getpid, umask and kill(pid, 0) in-process', () => {
  assert.equal(getpid(), process.pid);
  const old = umask(0o027);
  try {
    assert.equal(umask(0o027), 0o027);
  } finally {
    umask(old);
  }
  assert.doesNotThrow(() => kill(process.pid, 0));
  // pid_max is at most 2^22: this pid cannot exist.
  assert.throws(() => kill(0x7ffffff0, 0), {
    errnoName: 'ESRCH', message: 'kill 2147483632 with signal 0: ESRCH (no such process)',
  });
});

test('sethostname, setsid and credentials in a user namespace', (t) => {
  if (!requireProbe(t, usernsAvailable())) return;
  const r = resultOf(runFixture('process', ['userns'], { userns: true }));
  assert.deepEqual(r.sethostname, OK);
  assert.equal(r.hostname, 'myctr-sys-test');
  assert.equal((r.tooLong as { errnoName: string }).errnoName, 'EINVAL');
  assert.equal(r.getpid, r.pid);
  assert.deepEqual(r.setsid, { ok: true, value: r.pid }, 'setsid returns the new session id, our pid');
  assert.equal(r.sessionOf, String(r.pid));
  assert.equal((r.setsidAgain as { message: string }).message, 'setsid: EPERM (operation not permitted)');
  assert.deepEqual(r.setresgid, OK);
  assert.deepEqual(r.setresuid, OK);
  assert.equal((r.setresuidUnmapped as { errnoName: string }).errnoName, 'EINVAL');
  assert.equal((r.setgroups as { message: string }).message, 'setgroups []: EPERM (operation not permitted)');
  assert.deepEqual(r.pdeathsig, OK);
});

test('setgroups/setresgid/setresuid reach every thread of the Node process', (t) => {
  if (!requireProbe(t, rootAvailable(), false)) return;
  const r = resultOf(runFixture('process', ['creds'], { userns: false }));
  assert.deepEqual([r.setgroups, r.setresgid, r.setresuid], [OK, OK, OK]);
  assert.ok((r.threads as number) > 1, 'node runs several threads');
  for (const th of r.perThread as { uid: string; gid: string; groups: string }[]) {
    assert.deepEqual(th, { uid: '65534\t65534\t65534\t65534', gid: '65534\t65534\t65534\t65534', groups: '1234 5678' });
  }
  assert.deepEqual(r.killSelf0, OK);
  assert.equal((r.killInit as { errnoName: string }).errnoName, 'EPERM', 'no longer root');
});
