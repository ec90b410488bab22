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

/**
 * Emits entries appended after `start` until `done()` says the writer finished. The file stays open between
 * polls, so when the writer rotates it the rest of the old file is still read before moving to the new one.
 */
export async function followLog(path: string, start: { offset: number; ino: number }, f: LogFilter,
  emit: (e: LogEntry) => void, done: () => boolean, intervalMs = 100): Promise<void> {
  const filter: LogFilter = { ...(f.since !== undefined ? { since: f.since } : {}), ...(f.until !== undefined ? { until: f.until } : {}) };
  let fd: number | undefined;
  let offset = 0;
  let rest = '';
  const open = (from: { offset: number; ino: number } | undefined): void => {
    try { fd = openSync(path, 'r'); } catch { fd = undefined; return; }
    const st = fstatSync(fd);
    offset = from && st.ino === from.ino && st.size >= from.offset ? from.offset : 0;
    rest = '';
  };
  const drain = (): void => {
    if (fd === undefined) return;
    const size = fstatSync(fd).size;
    if (size < offset) { offset = 0; rest = ''; } // truncated in place (max-file=1)
    if (size <= offset) return;
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    offset += n;
    const lines = (rest + buf.subarray(0, n).toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const e = parseLine(line);
      if (e && filterEntries([e], filter).length) emit(e);
    }
  };
  open(start);
  try {
    for (;;) {
      const finished = done(); // read once more after the writer finished, so nothing is lost
      drain();
      let current: number | undefined;
      try { current = statSync(path).ino; } catch { /* between rename and create */ }
      if (current !== undefined && (fd === undefined || current !== fstatSync(fd).ino)) {
        drain();
        if (fd !== undefined) closeSync(fd);
        open(undefined);
        drain();
      }
      if (finished) return;
      await sleep(intervalMs);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
