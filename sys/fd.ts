// File descriptor wrappers: open/close/dup2, FD_CLOEXEC, close_range(2) with a /proc/self/fd fallback, and
// the tty ioctls (controlling tty, window size). Node marks even stdio close-on-exec (STYLE §0.4).
import { readdirSync } from 'node:fs';
import { check, cString, isErrno } from './check.js';
import { CLOSE_RANGE, F, FD_CLOEXEC, O, TIOC } from './constants.js';
import * as libc from './libc.js';

/** close_range(2) has the same number on x86_64 and aarch64 (the unified table from 5.1 on). */
const SYS_CLOSE_RANGE = 436;

/** A terminal size in character cells. */
export interface Winsize {
  rows: number;
  cols: number;
}

/** Sets (`on`) or clears FD_CLOEXEC on `fd`, keeping its other descriptor flags. */
export function setCloexec(fd: number, on: boolean): void {
  const flags = check('fcntl', `F_GETFD ${fd}`, libc.fcntl(fd, F.GETFD));
  const next = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (next !== flags) check('fcntl', `F_SETFD ${fd}`, libc.fcntl(fd, F.SETFD, 'int', next));
}

/** Sets (`on`) or clears O_NONBLOCK on `fd`'s open file description, keeping its other status flags. */
export function setNonBlocking(fd: number, on: boolean): void {
  const flags = check('fcntl', `F_GETFL ${fd}`, libc.fcntl(fd, F.GETFL));
  const next = on ? flags | O.NONBLOCK : flags & ~O.NONBLOCK;
  if (next !== flags) check('fcntl', `F_SETFL ${fd}`, libc.fcntl(fd, F.SETFL, 'int', next));
}

/**
 * Closes, or with `cloexec` marks close-on-exec, every fd in first..last (close_range(2)). Falls back to a
 * loop over /proc/self/fd when the kernel lacks close_range (ENOSYS, < 5.9) or its CLOEXEC flag (EINVAL,
 * < 5.11). In a running Node process prefer `cloexec: true`: closing libuv's own fds breaks the event loop.
 */
export function closeRange(first: number, last = 0xffffffff, opts: { cloexec: boolean }): void {
  if (first > last) throw new RangeError(`closeRange: first (${first}) > last (${last})`);
  const flags = opts.cloexec ? CLOSE_RANGE.CLOEXEC : 0;
  try {
    check('close_range', `${first}..${last}${opts.cloexec ? ' (cloexec)' : ''}`,
      libc.syscall(SYS_CLOSE_RANGE, 'long', first, 'long', last, 'long', flags));
  } catch (err) {
    if (!(isErrno(err, 'ENOSYS') || (opts.cloexec && isErrno(err, 'EINVAL')))) throw err;
    closeRangeFallback(first, last, opts);
  }
}

/**
 * closeRange() without close_range(2): walks /proc/self/fd (so /proc must be mounted). Exported for tests.
 * The directory fd readdirSync used is listed but already closed when we get to it; EBADF is ignored.
 */
export function closeRangeFallback(first: number, last: number, opts: { cloexec: boolean }): void {
  const fds = readdirSync('/proc/self/fd').map(Number).filter((fd) => fd >= first && fd <= last);
  for (const fd of fds) {
    try {
      if (opts.cloexec) setCloexec(fd, true);
      else close(fd);
    } catch (err) {
      if (!isErrno(err, 'EBADF')) throw err;
    }
  }
}

/** dup2(2): makes `newFd` a copy of `oldFd` (without FD_CLOEXEC). Returns `newFd`. */
export function dup2(oldFd: number, newFd: number): number {
  return check('dup2', `${oldFd} to ${newFd}`, libc.dup2(oldFd, newFd));
}

/** open(2) with `O` flags (constants.ts); `mode` applies when O_CREAT creates the file. Returns the fd. */
export function openPath(path: string, flags: number, mode = 0): number {
  return check('open', `\`${path}\``, libc.open(cString('path', path), flags, 'uint32_t', mode));
}

/** close(2). An EINTR from close is not retried (Linux has already freed the fd). */
export function close(fd: number): void {
  check('close', `${fd}`, libc.close(fd));
}

/** TIOCSCTTY: makes the tty on `fd` the controlling terminal of the caller's session (call setsid first). */
export function setControllingTty(fd: number): void {
  check('ioctl', `TIOCSCTTY ${fd}`, libc.ioctl(fd, TIOC.SCTTY, 'int', 0));
}

/** TIOCGWINSZ: the window size of the terminal on `fd`. */
export function getWinsize(fd: number): Winsize {
  const ws = Buffer.alloc(8); // struct winsize { u16 ws_row, ws_col, ws_xpixel, ws_ypixel; }
  check('ioctl', `TIOCGWINSZ ${fd}`, libc.ioctl(fd, TIOC.GWINSZ, 'void *', ws));
  return { rows: ws.readUInt16LE(0), cols: ws.readUInt16LE(2) };
}

/** TIOCSWINSZ: sets the window size of the terminal on `fd` (the foreground process group gets SIGWINCH). */
export function setWinsize(fd: number, size: Winsize): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(size.rows, 0);
  ws.writeUInt16LE(size.cols, 2);
  check('ioctl', `TIOCSWINSZ ${fd} ${size.rows}x${size.cols}`, libc.ioctl(fd, TIOC.SWINSZ, 'void *', ws));
}

/** isatty(3): true if `fd` is an open terminal; false for anything else, including a closed fd. */
export function isatty(fd: number): boolean {
  return libc.isatty(fd) === 1;
}
