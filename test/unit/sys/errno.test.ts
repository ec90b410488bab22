// errno tables and the SyscallError produced by check()/checkPtr(), against Node's own errno constants.
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { test } from 'node:test';
import { SyscallError, check, checkPtr, cString, isErrno, retryOnEintr } from '../../../sys/check.js';
import { errnoName, errnoNumber, errnoText } from '../../../sys/errno.js';
import { chdir } from '../../../sys/process.js';

test('errnoName and errnoNumber agree with os.constants.errno', () => {
  for (const [name, n] of Object.entries(constants.errno)) {
    assert.equal(errnoNumber(name), n, name);
    assert.equal(errnoNumber(errnoName(n)), n, `${name} round trip`);
  }
  assert.equal(errnoName(1), 'EPERM');
  assert.equal(errnoName(2), 'ENOENT');
});

test('shared numbers get the canonical Linux name', () => {
  assert.equal(errnoName(errnoNumber('EWOULDBLOCK')), 'EAGAIN');
  assert.equal(errnoName(errnoNumber('ENOTSUP')), 'EOPNOTSUPP');
  assert.equal(errnoName(errnoNumber('EDEADLOCK')), 'EDEADLK');
});

test('unknown numbers and names', () => {
  assert.equal(errnoName(4242), 'E4242');
  assert.throws(() => errnoNumber('ENOPE'), { name: 'RangeError', message: /unknown errno name `ENOPE`/ });
});

test('errnoText is strerror with a lowercase first letter', () => {
  assert.equal(errnoText(1), 'operation not permitted');
  assert.equal(errnoText(2), 'no such file or directory');
  assert.equal(errnoText(errnoNumber('ENOEXEC')), 'exec format error');
});

test('SyscallError fields and message format', () => {
  const err = new SyscallError('mount', 1, '`proc` on `/x/proc`');
  assert.equal(err.message, 'mount `proc` on `/x/proc`: EPERM (operation not permitted)');
  assert.equal(err.code, 'MYCTR_SYSCALL');
  assert.equal(err.name, 'SyscallError');
  assert.equal(err.syscall, 'mount');
  assert.equal(err.errno, 1);
  assert.equal(err.errnoName, 'EPERM');
  assert.equal(err.subject, '`proc` on `/x/proc`');
  assert.equal(new SyscallError('setsid', 1, '').message, 'setsid: EPERM (operation not permitted)');
  const cause = new Error('inner');
  assert.equal(new SyscallError('x', 2, 'y', { cause, hint: 'do z' }).hint, 'do z');
});

test('check() passes results through and throws with the real errno on -1', () => {
  assert.equal(check('x', 'y', 0), 0);
  assert.equal(check('x', 'y', 7n), 7n);
  assert.throws(() => chdir('/nonexistent/myctr-sys-test'), (err: unknown) => {
    assert.ok(err instanceof SyscallError);
    assert.equal(err.errnoName, 'ENOENT');
    assert.equal(err.message, 'chdir `/nonexistent/myctr-sys-test`: ENOENT (no such file or directory)');
    return true;
  });
  assert.throws(() => check('x', 'y', -1n), SyscallError);
});

test('checkPtr() throws on NULL only', () => {
  const obj = {};
  assert.equal(checkPtr('x', 'y', obj), obj);
  assert.throws(() => checkPtr('x', 'y', null), SyscallError);
});

test('isErrno, retryOnEintr and cString', () => {
  const eintr = new SyscallError('recvmsg', errnoNumber('EINTR'), 'fd 3');
  assert.ok(isErrno(eintr, 'EAGAIN', 'EINTR'));
  assert.ok(!isErrno(eintr, 'EPERM'));
  assert.ok(!isErrno(new Error('EINTR'), 'EINTR'));
  let calls = 0;
  assert.equal(retryOnEintr(() => {
    if (++calls < 3) throw eintr;
    return 'done';
  }), 'done');
  assert.equal(calls, 3);
  assert.throws(() => retryOnEintr(() => { throw new SyscallError('x', 1, ''); }), { errnoName: 'EPERM' });
  assert.equal(cString('path', '/ok'), '/ok');
  assert.throws(() => cString('path', 'a\0b'), { name: 'TypeError', message: /path contains a NUL byte/ });
});
