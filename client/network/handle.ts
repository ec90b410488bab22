// The running attachment a container's owner keeps: a plain object (process ids, ports, stop()) so the
// foreground CLI or a supervisor can own it. stop() is idempotent and always reaps.
import type { ChildProcess } from 'node:child_process';
import type { NetworkAttachment } from '../runtime/start/sequence.js';
import type { PortMapping } from './types.js';

export interface NetworkHandle extends NetworkAttachment {
  kind: 'slirp4netns' | 'pasta';
  /** Host pids of the helper processes while they run. */
  pids(): number[];
  ports: readonly PortMapping[];
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}
