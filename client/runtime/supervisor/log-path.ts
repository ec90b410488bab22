// Where a container's json-file log lives: <root>/containers/<id>/ctr.log, except for root with the default
// store, where the seed plan asks for /var/log/myctr/<id>.log (the real file; ctr.log links to it).
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStore } from '../container-store.js';

export const SYSTEM_LOG_DIR = '/var/log/myctr';

function usesSystemLogDir(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.geteuid?.() === 0 && !env.MYCTR_ROOT;
}

/** Creates the log location (and, for root, the link) and returns the path to write. */
export function prepareLogPath(store: ContainerStore, id: string): string {
  const link = store.logPath(id);
  if (!usesSystemLogDir()) return link;
  const real = join(SYSTEM_LOG_DIR, `${id}.log`);
  mkdirSync(SYSTEM_LOG_DIR, { recursive: true, mode: 0o700 });
  try { symlinkSync(real, link); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; }
  return real;
}

/** The log's real path for readers (the link resolves by itself; rotation names hang off the real one). */
export function logPathForRead(store: ContainerStore, id: string): string {
  return usesSystemLogDir() ? join(SYSTEM_LOG_DIR, `${id}.log`) : store.logPath(id);
}

/** Removes the system log files of a container (its dir, and so ctr.log, goes with the record). */
export function removeSystemLogs(id: string): void {
  if (!usesSystemLogDir()) return;
  for (let i = 0; i < 100; i++) rmSync(join(SYSTEM_LOG_DIR, i ? `${id}.log.${i}` : `${id}.log`), { force: true });
}
