// Signal state a workload inherits across execve: dispositions and the blocked mask. Node ignores SIGPIPE
// (and SIGXFSZ), and an ignored disposition survives execve(2), so the init resets everything right before it.
import { check } from './check.js';
import { SIG, SIG_HOW } from './constants.js';
import * as libc from './libc.js';

const SIG_DFL = 0;
/** glibc's sigset_t is 1024 bits; an all-zero one is the empty set (what sigemptyset(3) produces). */
const SIGSET_BYTES = 128;

/** Signals that cannot or must not be touched: SIGKILL and SIGSTOP (EINVAL), and 32/33, reserved by NPTL. */
const SKIP: ReadonlySet<number> = new Set([SIG.KILL, SIG.STOP, 32, 33]);

/**
 * Sets every signal 1..64 to SIG_DFL except SIGKILL, SIGSTOP, 32 and 33. Node's own handlers (SIGCHLD,
 * SIGINT listeners, SIGUSR1 for the inspector...) stop working, so call this only right before execve.
 */
export function resetSignalDispositions(): void {
  for (let sig = 1; sig <= SIG.RTMAX; sig++) {
    if (SKIP.has(sig)) continue;
    check('signal', `${sig} SIG_DFL`, libc.signal(sig, SIG_DFL));
  }
}

/**
 * Unblocks every signal for the calling thread (sigprocmask(SIG_SETMASK, empty set)). The mask is per thread
 * and execve(2) keeps the caller's, so this must run on the thread that execs: the main thread.
 */
export function unblockAllSignals(): void {
  check('sigprocmask', 'SIG_SETMASK (empty set)', libc.sigprocmask(SIG_HOW.SETMASK, Buffer.alloc(SIGSET_BYTES), null));
}
