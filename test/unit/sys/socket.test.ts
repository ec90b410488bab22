// sys/socket.ts in-process: socketpair, SCM_RIGHTS round trips, truncation and SO_PEERCRED.
import assert from 'node:assert/strict';
import { readFileSync, readSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { O } from '../../../sys/constants.js';
import { close, openPath } from '../../../sys/fd.js';
import { getPeerCred, recvFds, sendFds, socketpair } from '../../../sys/socket.js';

/** Whether `fd` is marked close-on-exec, from the octal `flags:` line of /proc/self/fdinfo. */
function cloexec(fd: number): boolean {
  const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
  assert.ok(flags !== undefined, `fdinfo of ${fd}`);
  return (Number.parseInt(flags, 8) & O.CLOEXEC) !== 0;
}

function withPair(fn: (a: number, b: number) => void): void {
  const [a, b] = socketpair();
  try {
    fn(a, b);
  } finally {
    close(a);
    close(b);
  }
}

test('socketpair ends are close-on-exec and connected', () => {
  withPair((a, b) => {
    assert.ok(cloexec(a) && cloexec(b));
    writeSync(a, 'hi');
    const buf = Buffer.alloc(4);
    assert.equal(buf.subarray(0, readSync(b, buf)).toString(), 'hi');
  });
});

test('sendFds/recvFds round trip: data, fds that work, MSG_CMSG_CLOEXEC', () => {
  withPair((a, b) => {
    withPair((x, y) => {
      sendFds(a, [x, x], Buffer.from('frame-1'));
      const { data, fds } = recvFds(b);
      try {
        assert.equal(data.toString(), 'frame-1');
        assert.equal(fds.length, 2);
        assert.ok(fds.every((fd) => fd !== x && fd !== y), 'new fd numbers');
        assert.ok(fds.every(cloexec));
        // The received fd is the same socket as x: what we write on it comes out of y.
        writeSync(fds[0]!, 'through');
        const buf = Buffer.alloc(16);
        assert.equal(buf.subarray(0, readSync(y, buf)).toString(), 'through');
      } finally {
        fds.forEach(close);
      }
    });
  });
});

test('sendFds without fds and recvFds at EOF', () => {
  withPair((a, b) => {
    sendFds(a, [], Buffer.from('plain'));
    assert.deepEqual(recvFds(b), { data: Buffer.from('plain'), fds: [] });
  });
  const [a, b] = socketpair();
  close(a);
  try {
    assert.deepEqual(recvFds(b), { data: Buffer.alloc(0), fds: [] });
  } finally {
    close(b);
  }
});

test('sendFds refuses empty data', () => {
  withPair((a) => assert.throws(() => sendFds(a, [a], Buffer.alloc(0)), RangeError));
});

test('recvFds with more fds than maxFds closes what arrived and throws', () => {
  withPair((a, b) => {
    const fd = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
    try {
      sendFds(a, [fd, fd, fd], Buffer.from('x'));
      assert.throws(() => recvFds(b, 1), { code: 'MYCTR_PROTOCOL', message: /more than 1 fds sent/ });
    } finally {
      close(fd);
    }
  });
});

test('send and recv errors are SyscallErrors naming the fd', () => {
  const [a, b] = socketpair();
  close(a);
  close(b);
  assert.throws(() => sendFds(a, [], Buffer.from('x')), {
    errnoName: 'EBADF', message: `sendmsg fd ${a}: EBADF (bad file descriptor)`,
  });
  assert.throws(() => recvFds(b), { errnoName: 'EBADF' });
});

test('getPeerCred reports this process', () => {
  withPair((a, b) => {
    const expected = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() };
    assert.deepEqual(getPeerCred(a), expected);
    assert.deepEqual(getPeerCred(b), expected);
  });
  const fd = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
  try {
    assert.throws(() => getPeerCred(fd), { errnoName: 'ENOTSOCK' });
  } finally {
    close(fd);
  }
});
