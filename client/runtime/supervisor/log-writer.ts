// Docker's json-file log driver: one JSON object per line, {"log":"…\n","stream":"stdout","time":RFC3339Nano},
// split at newlines (a partial line is flushed at 16 KiB or at the end), rotated by size into <file>.1 … .N-1.
// Writes are synchronous: one writer (the supervisor) per file, and the order of lines must hold.
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

const PARTIAL_MAX = 16 * 1024;

/** RFC 3339 with nanoseconds, as Docker writes it (Date has ms; the sub-ms digits come from hrtime). */
export function rfc3339Nano(now = new Date(), hr = process.hrtime.bigint()): string {
  const iso = now.toISOString(); // 2024-01-02T03:04:05.678Z
  const nanos = String(Number(hr % 1_000_000n)).padStart(6, '0');
  return `${iso.slice(0, 23)}${nanos}Z`;
}

export interface LogLimits { maxSize: number; maxFile: number }

export class JsonFileWriter {
  private fd: number;
  private size: number;
  private readonly partial = new Map<string, string>();

  constructor(readonly path: string, private readonly limits: LogLimits) {
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Feeds raw output of `stream`; complete lines are written at once. */
  write(stream: 'stdout' | 'stderr', chunk: string): void {
    let text = (this.partial.get(stream) ?? '') + chunk;
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      this.append(stream, text.slice(0, nl + 1));
      text = text.slice(nl + 1);
    }
    while (text.length >= PARTIAL_MAX) {
      this.append(stream, text.slice(0, PARTIAL_MAX));
      text = text.slice(PARTIAL_MAX);
    }
    this.partial.set(stream, text);
  }

  /** Writes what is left of unterminated lines (at exit). */
  flush(): void {
    for (const [stream, text] of this.partial) if (text) this.append(stream as 'stdout' | 'stderr', text);
    this.partial.clear();
  }

  close(): void {
    this.flush();
    try { closeSync(this.fd); } catch { /* closed */ }
  }

  private append(stream: 'stdout' | 'stderr', log: string): void {
    const line = JSON.stringify({ log, stream, time: rfc3339Nano() }) + '\n';
    const bytes = Buffer.byteLength(line);
    if (this.limits.maxSize > 0 && this.size > 0 && this.size + bytes > this.limits.maxSize) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  /** ctr.log → ctr.log.1 → … ; the oldest beyond max-file is dropped. With max-file=1 the file is truncated. */
  private rotate(): void {
    closeSync(this.fd);
    const keep = this.limits.maxFile - 1;
    rmSync(`${this.path}.${Math.max(keep, 1)}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try { renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`); } catch { /* not there yet */ }
    }
    if (keep >= 1) renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, keep >= 1 ? 'a' : 'w', 0o600);
    this.size = 0;
  }
}
