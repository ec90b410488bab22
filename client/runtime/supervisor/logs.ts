// `myctr logs` and `start -a`: print a container's json-file log to stdout/stderr by stream, optionally with
// timestamps, and follow it until the container is no longer running.
import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { followLog, parseTime, readLog, type LogEntry, type LogFilter } from './log-reader.js';
import { logPathForRead } from './log-path.js';
import type { Ctx } from './operations.js';
import { currentState } from './state.js';

export interface LogsOptions { follow: boolean; timestamps: boolean; tail?: string; since?: string; until?: string }

function emitter(timestamps: boolean): (e: LogEntry) => void {
  return (e) => {
    const out = e.stream === 'stderr' ? process.stderr : process.stdout;
    out.write(timestamps ? `${e.time} ${e.log}` : e.log);
  };
}

export function toFilter(o: LogsOptions): LogFilter {
  const f: LogFilter = {};
  if (o.tail !== undefined && o.tail !== 'all') {
    if (!/^\d+$/.test(o.tail)) throw new UsageError(`invalid --tail \`${o.tail}\``, 'give a number of lines, or all');
    f.tail = Number(o.tail);
  }
  if (o.since !== undefined) f.since = parseTime(o.since);
  if (o.until !== undefined) f.until = parseTime(o.until);
  return f;
}

export async function showLogs(ctx: Ctx, ref: string, o: LogsOptions): Promise<void> {
  const id = ctx.store.resolve(ref);
  const path = logPathForRead(ctx.store, id);
  const filter = toFilter(o);
  const emit = emitter(o.timestamps);
  const { entries, offset, ino } = readLog(path, filter);
  for (const e of entries) emit(e);
  if (!o.follow) return;
  await followLog(path, { offset, ino }, filter, emit, () => isFinished(ctx, id));
}

function isFinished(ctx: Ctx, id: string): boolean {
  try { return currentState(ctx.store, id).status !== 'running'; } catch { return true; }
}

/** Where the log ends now: `start -a` prints only what follows. */
export function logEnd(ctx: Ctx, id: string): { offset: number; ino: number } {
  try { const st = statSync(logPathForRead(ctx.store, id)); return { offset: st.size, ino: st.ino }; } catch { return { offset: 0, ino: 0 }; }
}

/** Prints what the container writes from `from` on, until it exits. */
export async function attachLogs(ctx: Ctx, id: string, from: { offset: number; ino: number }): Promise<void> {
  await followLog(logPathForRead(ctx.store, id), from, {}, emitter(false), () => isFinished(ctx, id));
}
