// The truth about a container's state: the record, checked against the kernel. A record that says
// `running` is believed only if the boot is the same, PID 1 is alive with the recorded start time, and (for
// detached containers) its supervisor is alive; otherwise it is shown — and rewritten — as exited.
import { isExited, procStat } from '../proc.js';
import { bootId, type ContainerState, type ContainerStore } from '../container-store.js';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), undefined when the pid is gone or a
 *  zombie (a killed supervisor stays one until the host's init reaps it). */
export function processStartTime(pid: number): number | undefined {
  const st = procStat(pid);
  return st && !isExited(st) ? st.startTime : undefined;
}

export function isAlive(pid: number | undefined, start?: number): boolean {
  if (pid === undefined || pid <= 0) return false;
  const t = processStartTime(pid);
  if (t === undefined) return false;
  return start === undefined || t === start;
}

/**
 * Why a `running` record is not true any more, or undefined when it is. While its supervisor lives the record
 * is trusted even if PID 1 just died: the supervisor records the real exit (after draining the logs) any
 * moment now, and a guess here would race it.
 */
export function staleReason(st: ContainerState): string | undefined {
  if (st.status !== 'running') return undefined;
  if (st.bootId !== bootId()) return 'the machine rebooted';
  if (st.supervisorPid !== undefined) return isAlive(st.supervisorPid, st.supervisorStart) ? undefined : 'its supervisor died';
  if (!isAlive(st.pid, st.pidStart)) return 'its process is gone';
  return undefined;
}

/** The reconciled state; a stale `running` record is rewritten as stopped (exit code 255 if unknown). */
export function currentState(store: ContainerStore, id: string): ContainerState {
  const st = store.loadState(id) ?? { status: 'created', bootId: bootId() };
  const reason = staleReason(st);
  if (reason === undefined) return st;
  const fixed: ContainerState = {
    ...st, status: 'stopped', exitCode: st.exitCode ?? 255, finishedAt: st.finishedAt ?? new Date().toISOString(),
    error: `exited while unsupervised: ${reason}`,
  };
  delete fixed.pid;
  try { store.saveState(id, fixed); } catch { /* removed meanwhile */ }
  return fixed;
}
