// Turns libc's "-1 and errno" convention into a thrown SyscallError. The only file that reads koffi.errno():
// errno is thread-local and koffi does not save it per call, so it is read here, first thing, on the main thread.
import { koffi } from './koffi.js';
import { MyctrError, type ErrorOptions } from '../client/runtime/errors.js';
import { errnoName, errnoNumber, errnoText } from './errno.js';

/**
 * A failed system call. `message` is "<syscall> <subject>: <ENAME> (<strerror text>)", for example
 * "mount `proc` on `/x/proc`: EPERM (operation not permitted)". Match on `errnoName`, not on the message.
 */
export class SyscallError extends MyctrError {
  override name = 'SyscallError';
  /** Symbolic errno, e.g. 'EPERM'. */
  readonly errnoName: string;

  constructor(
    /** The libc function or syscall that failed, e.g. 'mount'. */
    readonly syscall: string,
    /** The positive errno value. */
    readonly errno: number,
    /** What it was applied to, with paths backtick-quoted; may be ''. */
    readonly subject: string,
    opts: ErrorOptions = {},
  ) {
    const what = subject ? `${syscall} ${subject}` : syscall;
    super('MYCTR_SYSCALL', `${what}: ${errnoName(errno)} (${errnoText(errno)})`, opts);
    this.errnoName = errnoName(errno);
  }
}

/**
 * Returns `ret`, or throws SyscallError if it is -1. Pass the FFI call itself as the last argument, so that
 * `syscall` and `subject` are evaluated before it and nothing runs between the call and the errno read.
 */
export function check<T extends number | bigint>(syscall: string, subject: string, ret: T): T {
  if (ret !== -1 && ret !== -1n) return ret;
  throw new SyscallError(syscall, koffi.errno(), subject);
}

/** Returns `ret`, or throws SyscallError if the call returned a NULL pointer. Same calling rule as check(). */
export function checkPtr<T>(syscall: string, subject: string, ret: T | null): T {
  if (ret !== null) return ret;
  throw new SyscallError(syscall, koffi.errno(), subject);
}

/** True if `err` is a SyscallError with one of the given errno names. */
export function isErrno(err: unknown, ...names: string[]): err is SyscallError {
  return err instanceof SyscallError && names.some((n) => errnoNumber(n) === err.errno);
}

/**
 * Runs `call` again while it fails with EINTR. Used for blocking calls (recvmsg, sendmsg) that a signal
 * delivered to the main thread can interrupt.
 */
export function retryOnEintr<T>(call: () => T): T {
  for (;;) {
    try {
      return call();
    } catch (err) {
      if (!isErrno(err, 'EINTR')) throw err;
    }
  }
}

/**
 * Rejects strings containing NUL: koffi passes JS strings as C strings, so `a\0b` would silently become `a`,
 * and a mount target or exec path must never be shortened behind the caller's back.
 */
export function cString(what: string, s: string): string {
  if (s.includes('\0')) throw new TypeError(`${what} contains a NUL byte: ${JSON.stringify(s)}`);
  return s;
}
