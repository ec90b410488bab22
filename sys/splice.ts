// Zero-copy relaying between sockets (splice(2) through a pipe) and waiting for readiness (poll(2)) off the
// main thread: what the port forwarder needs to move data without copying it through JavaScript.
import { readSync, writeSync } from 'node:fs';
import { check, isErrno } from './check.js';
import { O } from './constants.js';
import * as libc from './libc.js';

const F_SETPIPE_SZ = 1031;
const SPLICE_F_MOVE = 1;
const SPLICE_F_NONBLOCK = 2;
const SHUT_WR = 1;
export const POLL = { IN: 0x1, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20 } as const;

/** A non-blocking, close-on-exec pipe of (at least) `size` bytes: [read end, write end]. */
export function pipe(size: number): [number, number] {
  const fds = new Int32Array(2);
  check('pipe2', '', libc.pipe2(fds, O.NONBLOCK | O.CLOEXEC));
  // Best effort: past /proc/sys/fs/pipe-max-size the default (64 KiB) stays, which only costs speed.
  libc.fcntl(fds[1]!, F_SETPIPE_SZ, 'int', size);
  return [fds[0]!, fds[1]!];
}

/** Moves up to `len` bytes without blocking: the count, 0 at end of input, 'again' when nothing can move. */
export function spliceSome(from: number, to: number, len: number): number | 'again' {
  const n = libc.splice(from, null, to, null, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n !== -1 && n !== -1n) return Number(n);
  try {
    check('splice', `${from} → ${to}`, n);
  } catch (err) {
    if (isErrno(err, 'EAGAIN', 'EINTR')) return 'again';
    throw err;
  }
  return 'again';
}

/** shutdown(SHUT_WR): the peer reads end of file; errors (the peer is gone) are for the next splice to see. */
export function shutdownWrite(fd: number): void {
  libc.shutdown(fd, SHUT_WR);
}

/** An eventfd to wake a pending poll: readable once `wake` wrote to it, drained with `drain`. */
export function wakeFd(): { fd: number; wake(): void; drain(): void } {
  // EFD_NONBLOCK and EFD_CLOEXEC are O_NONBLOCK and O_CLOEXEC by definition (eventfd(2)).
  const fd = check('eventfd', '', libc.eventfd(0, O.NONBLOCK | O.CLOEXEC));
  const one = Buffer.alloc(8);
  one.writeBigUInt64LE(1n);
  const sink = Buffer.alloc(8);
  return {
    fd,
    wake: () => { writeSync(fd, one); },
    drain: () => { try { readSync(fd, sink); } catch { /* EAGAIN: nothing to drain */ } },
  };
}

/** poll(2) on a worker thread, without timeout: the revents of each entry, in order. */
export function pollAsync(entries: readonly { fd: number; events: number }[]): Promise<number[]> {
  const buf = Buffer.alloc(8 * entries.length);
  entries.forEach((e, i) => { buf.writeInt32LE(e.fd, i * 8); buf.writeInt16LE(e.events, i * 8 + 4); });
  return new Promise((resolve, reject) => {
    libc.poll.async(buf, entries.length, -1, (err) => {
      // -1 (EINTR) leaves every revents 0: the caller just polls again.
      if (err) reject(err as Error); else resolve(entries.map((_, i) => buf.readInt16LE(i * 8 + 6)));
    });
  });
}
