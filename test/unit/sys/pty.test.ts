// sys/pty.ts and the tty ioctls of sys/fd.ts; the controlling-tty step runs in a child (needs setsid).
import assert from 'node:assert/strict';
import { existsSync, readSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { O } from '../../../sys/constants.js';
import { close, getWinsize, isatty, openPath, setWinsize } from '../../../sys/fd.js';
import { openPty, openPtyMaster, ptsPathFor } from '../../../sys/pty.js';
import { resultOf, runFixture } from './helpers.js';

test('ptsPathFor follows the devpts instance of the ptmx path', () => {
  assert.equal(ptsPathFor('/dev/ptmx', 3), '/dev/pts/3');
  assert.equal(ptsPathFor('/dev/pts/ptmx', 3), '/dev/pts/3');
  assert.equal(ptsPathFor('/run/c/rootfs/dev/ptmx', 0), '/run/c/rootfs/dev/pts/0');
  assert.equal(ptsPathFor('/run/c/rootfs/dev/pts/ptmx', 12), '/run/c/rootfs/dev/pts/12');
  assert.equal(ptsPathFor('/ptmx', 1), '/pts/1');
});

test('openPty: window size set on the master is seen on the slave', () => {
  const { master, slave } = openPty();
  try {
    assert.ok(isatty(master) && isatty(slave));
    setWinsize(master, { rows: 33, cols: 120 });
    assert.deepEqual(getWinsize(slave), { rows: 33, cols: 120 });
    setWinsize(slave, { rows: 1, cols: 65535 });
    assert.deepEqual(getWinsize(master), { rows: 1, cols: 65535 });
  } finally {
    close(master);
    close(slave);
  }
});

test('getWinsize on a non-tty is ENOTTY', () => {
  const fd = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
  try {
    assert.throws(() => getWinsize(fd), {
      errnoName: 'ENOTTY', message: `ioctl TIOCGWINSZ ${fd}: ENOTTY (inappropriate ioctl for device)`,
    });
  } finally {
    close(fd);
  }
});

test('openPtyMaster: unlocked slave at the returned path, data flows', () => {
  const { master, slavePath } = openPtyMaster('/dev/ptmx');
  try {
    assert.match(slavePath, /^\/dev\/pts\/\d+$/);
    assert.ok(existsSync(slavePath));
    // A still-locked slave would fail to open with EIO.
    const slave = openPath(slavePath, O.RDWR | O.NOCTTY | O.CLOEXEC);
    try {
      writeSync(slave, 'ping');
      const buf = Buffer.alloc(16);
      const n = readSync(master, buf);
      assert.equal(buf.subarray(0, n).toString(), 'ping');
    } finally {
      close(slave);
    }
  } finally {
    close(master);
  }
});

test('openPtyMaster on a missing ptmx', () => {
  assert.throws(() => openPtyMaster('/nonexistent/ptmx'), {
    errnoName: 'ENOENT', message: /^open `\/nonexistent\/ptmx`: ENOENT/,
  });
});

test('setControllingTty after setsid makes the pty the controlling terminal', () => {
  const r = resultOf(runFixture('pty', [], { userns: false }));
  assert.equal((r.beforeSetsid as { errnoName: string }).errnoName, 'EPERM', 'not a session leader yet');
  assert.equal((r.setsid as { ok: boolean }).ok, true);
  assert.equal(r.ttyBefore, 0);
  assert.deepEqual(r.sctty, { ok: true, value: null });
  assert.notEqual(r.ttyAfter, 0);
  assert.deepEqual(r.devTtyAfter, { ok: true, value: null });
});
