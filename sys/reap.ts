// Reaping processes that are not libuv's: PR_SET_CHILD_SUBREAPER makes orphaned descendants our children, and
// a non-blocking waitpid(2) on one pid collects their status. Never waitpid(-1): that would steal the statuses
// of the children libuv spawned (child_process), which it reaps by pid.
import { constants } from 'node:os';
import { check } from './check.js';
import { PR } from './constants.js';
import * as libc from './libc.js';

const WNOHANG = 1;

/** prctl(PR_SET_CHILD_SUBREAPER): orphans among our descendants are re-parented to us instead of to init. */
export function setChildSubreaper(): void {
  check('prctl', 'PR_SET_CHILD_SUBREAPER 1', libc.prctl(PR.SET_CHILD_SUBREAPER, 'unsigned long', 1, 'unsigned long', 0,
    'unsigned long', 0, 'unsigned long', 0));
}

export interface ExitStatus { code: number | null; signal: NodeJS.Signals | null }

const SIGNAL_NAME = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

/** Decodes a wait status (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG) the way ChildProcess 'exit' reports it. */
export function decodeWaitStatus(status: number): ExitStatus {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: SIGNAL_NAME.get(sig) ?? 'SIGKILL' };
}

/**
 * waitpid(pid, WNOHANG): the exit status once `pid` (our child) has ended and is reaped now, undefined while
 * it runs. Throws SyscallError (ECHILD) when `pid` is not our child.
 */
export function reapIfExited(pid: number): ExitStatus | undefined {
  const status = [0];
  const r = check('waitpid', `${pid}`, libc.waitpid(pid, status, WNOHANG));
  return r === pid ? decodeWaitStatus(status[0]!) : undefined;
}
