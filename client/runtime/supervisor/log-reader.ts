// Reading json-file logs for `myctr logs`: rotated files oldest first, --since/--until/--tail filters, and a
// follower that polls the current file (surviving rotation) until the container is no longer running.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../errors.js';

export interface LogEntry { log: string; stream: 'stdout' | 'stderr'; time: string }

export interface LogFilter { since?: number; until?: number; tail?: number }

/** `10m`, `2h`, `30s` ago, an RFC 3339 date, or unix seconds → epoch ms. */
export function parseTime(text: string, now = Date.now()): number {
  const rel = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (rel) return now - Number(rel[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[rel[2] as 'ms' | 's' | 'm' | 'h'];
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`invalid time \`${text}\``, 'use a duration such as 10m or 1h, an RFC 3339 date, or unix seconds');
  return t;
}

/** Parses one json-file line; undefined for a torn or foreign line (a crash mid-write leaves at most one). */
export function parseLine(line: string): LogEntry | undefined {
  try {
    const e = JSON.parse(line) as LogEntry;
    return typeof e.log === 'string' && (e.stream === 'stdout' || e.stream === 'stderr') ? e : undefined;
  } catch {
    return undefined;
  }
}

export function logFiles(path: string): string[] {
  const rotated: string[] = [];
  for (let i = 1; existsSync(`${path}.${i}`); i++) rotated.unshift(`${path}.${i}`);
  return existsSync(path) ? [...rotated, path] : rotated;
}

export function filterEntries(entries: LogEntry[], f: LogFilter): LogEntry[] {
  let out = entries.filter((e) => {
    const t = Date.parse(e.time);
    return (f.since === undefined || t >= f.since) && (f.until === undefined || t <= f.until);
  });
  if (f.tail !== undefined) out = f.tail === 0 ? [] : out.slice(-f.tail);
  return out;
}

/** Everything in the log now, filtered; also returns where the current file ended (for following). */
export function readLog(path: string, f: LogFilter): { entries: LogEntry[]; offset: number; ino: number } {
  const entries: LogEntry[] = [];
  let offset = 0;
  let ino = 0;
  for (const file of logFiles(path)) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    if (file === path) {
      // Only complete lines count: the writer may be mid-line.
      const end = text.lastIndexOf('\n') + 1;
      text = text.slice(0, end);
      offset = Buffer.byteLength(text);
      try { ino = statSync(file).ino; } catch { /* rotated away */ }
    }
    for (const line of text.split('\n')) if (line) { const e = parseLine(line); if (e) entries.push(e); }
  }
  return { entries: filterEntries(entries, f), offset, ino };
}

/** Emits new entries appended after `offset` until `done()` says the writer is finished. */
export async function followLog(path: string, start: { offset: number; ino: number }, f: LogFilter,
  emit: (e: LogEntry) => void, done: () => boolean, intervalMs = 100): Promise<void> {
  let { offset, ino } = start;
  let rest = '';
  for (;;) {
    const finished = done(); // read once more after the writer finished, so nothing is lost
    let fd: number | undefined;
    try { fd = openSync(path, 'r'); } catch { /* not created yet, or being rotated */ }
    if (fd !== undefined) {
      try {
        const st = fstatSync(fd);
        if (st.ino !== ino || st.size < offset) { ino = st.ino; offset = 0; rest = ''; }
        if (st.size > offset) {
          const buf = Buffer.alloc(st.size - offset);
          const n = readSync(fd, buf, 0, buf.length, offset);
          offset += n;
          const text = rest + buf.subarray(0, n).toString('utf8');
          const lines = text.split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) {
            const e = parseLine(line);
            if (e && filterEntries([e], { ...(f.since !== undefined ? { since: f.since } : {}), ...(f.until !== undefined ? { until: f.until } : {}) }).length) emit(e);
          }
        }
      } finally { closeSync(fd); }
    }
    if (finished) return;
    await sleep(intervalMs);
  }
}
