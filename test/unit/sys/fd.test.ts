// sys/fd.ts in-process, on fds the test opens itself (high numbers via dup2 keep clear of libuv's own).
import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { O } from '../../../sys/constants.js';
import { close, closeRange, closeRangeFallback, dup2, isatty, openPath, setCloexec } from '../../../sys/fd.js';

/** Whether `fd` is marked close-on-exec, from the octal `flags:` line of /proc/self/fdinfo. */
function cloexec(fd: number): boolean {
  const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
  assert.ok(flags !== undefined, `fdinfo of ${fd}`);
  return (Number.parseInt(flags, 8) & O.CLOEXEC) !== 0;
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

test('openPath, setCloexec both ways, close', () => {
  const fd = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
  try {
    assert.ok(cloexec(fd));
    setCloexec(fd, false);
    assert.ok(!cloexec(fd));
    setCloexec(fd, true);
    assert.ok(cloexec(fd));
  } finally {
    close(fd);
  }
  assert.ok(!isOpen(fd));
  assert.throws(() => close(fd), { errnoName: 'EBADF', message: `close ${fd}: EBADF (bad file descriptor)` });
  assert.throws(() => setCloexec(fd, true), { errnoName: 'EBADF' });
});

test('openPath errors name the path', () => {
  assert.throws(() => openPath('/nonexistent/myctr', O.RDONLY), {
    errnoName: 'ENOENT', message: 'open `/nonexistent/myctr`: ENOENT (no such file or directory)',
  });
  assert.throws(() => openPath('/etc/hostname', O.RDONLY | O.DIRECTORY), { errnoName: 'ENOTDIR' });
});

test('openPath creates with mode', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-sys-fd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'f');
  close(openPath(path, O.WRONLY | O.CREAT | O.EXCL | O.CLOEXEC, 0o640));
  assert.equal(statSync(path).mode & 0o777, 0o640 & ~process.umask());
  assert.throws(() => openPath(path, O.WRONLY | O.CREAT | O.EXCL, 0o600), { errnoName: 'EEXIST' });
});

test('dup2 copies without FD_CLOEXEC', () => {
  const fd = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
  try {
    assert.equal(dup2(fd, 950), 950);
    assert.ok(!cloexec(950));
    close(950);
  } finally {
    close(fd);
  }
  assert.throws(() => dup2(fd, 951), { message: `dup2 ${fd} to 951: EBADF (bad file descriptor)` });
});

const implementations = [['close_range(2)', closeRange], ['the /proc/self/fd fallback', closeRangeFallback]] as const;
for (const [label, fn] of implementations) {
  test(`closeRange via ${label}: cloexec marks, plain closes, neighbours untouched`, () => {
    const src = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
    try {
      for (const n of [960, 961, 962, 963]) dup2(src, n);
      fn(961, 962, { cloexec: true });
      assert.deepEqual([960, 961, 962, 963].map(cloexec), [false, true, true, false]);
      fn(961, 962, { cloexec: false });
      assert.deepEqual([960, 961, 962, 963].map(isOpen), [true, false, false, true]);
    } finally {
      for (const n of [960, 963]) close(n);
      close(src);
    }
  });
}

test('closeRange defaults last to the maximum and rejects first > last', () => {
  const src = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
  try {
    dup2(src, 990);
    closeRange(990, undefined, { cloexec: true });
    assert.ok(cloexec(990));
    close(990);
  } finally {
    close(src);
  }
  assert.throws(() => closeRange(5, 4, { cloexec: true }), RangeError);
});

test('isatty is false for a file and a closed fd', () => {
  const fd = openPath('/dev/null', O.RDONLY | O.CLOEXEC);
  try {
    assert.equal(isatty(fd), false);
  } finally {
    close(fd);
  }
  assert.equal(isatty(fd), false);
});
