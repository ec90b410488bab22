// The supervisor is a child subreaper: each container's stage-0 shell forks PID 1 and exits, so PID 1 becomes
// our child and no process of ours stays behind per container (docs/LIFECYCLE.md, "Memory"). libuv reaps only
// the children it spawned, by pid; these adopted ones are reaped here, by pid, on SIGCHLD.
import { reapIfExited, setChildSubreaper, type ExitStatus } from '../../../../sys/reap.js';
import type { Adopter } from '../../start/stage0.js';

export function startReaper(): Adopter {
  setChildSubreaper();
  const watched = new Map<number, (s: ExitStatus) => void>();
  // Signal listeners do not keep Node's event loop alive; a pending watch should (an idle timer, no wake-ups).
  let keepAlive: NodeJS.Timeout | undefined;
  const settle = () => {
    if (watched.size === 0) { clearInterval(keepAlive); keepAlive = undefined; } else keepAlive ??= setInterval(() => undefined, 2 ** 31 - 1);
  };
  const poll = (pid: number): boolean => {
    let status: ExitStatus | undefined;
    try {
      status = reapIfExited(pid);
    } catch {
      status = { code: 255, signal: null }; // not our child (ECHILD): nothing to wait for
    }
    if (!status) return false;
    const done = watched.get(pid);
    watched.delete(pid);
    settle();
    done?.(status);
    return true;
  };
  process.on('SIGCHLD', () => { for (const pid of [...watched.keys()]) poll(pid); });
  return {
    watch(pid: number): Promise<ExitStatus> {
      return new Promise((resolve) => {
        const prev = watched.get(pid);
        watched.set(pid, prev ? (s) => { prev(s); resolve(s); } : resolve);
        settle();
        poll(pid); // it may have exited (and signalled) before anyone watched it
      });
    },
  };
}
