// Relays pairs of connected sockets with splice(2) through a pipe per direction, so that the data never
// passes through JavaScript: Node copying socket to socket moved 256 MiB in 360–550 ms on the reference
// machine, a splice relay needs a fraction of that (docs/BENCHMARKS.md). The sockets stay Node's (paused,
// never read by Node; destroy() closes them); readiness comes from one poll(2) waiting on a worker thread
// for all pairs, woken through an eventfd when a pair is added. fds are closed only while no poll is pending.
import type { Socket } from 'node:net';
import { close } from '../../../sys/fd.js';
import { POLL, pipe, pollAsync, shutdownWrite, spliceSome, wakeFd } from '../../../sys/splice.js';

const CHUNK = 1 << 20;

interface Direction {
  from: number;
  to: number;
  pipe: [number, number];
  /** Bytes in the pipe, not yet written to `to`. */
  buffered: number;
  /** `from` reached end of file. */
  eof: boolean;
  /** eof, drained and `to` shut down for writing. */
  done: boolean;
}

interface Pair { sockets: [Socket, Socket]; dirs: [Direction, Direction]; failed: boolean }

function fdOf(s: Socket): number {
  const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) throw new Error('socket has no file descriptor');
  return fd;
}

function direction(from: number, to: number): Direction {
  return { from, to, pipe: pipe(CHUNK), buffered: 0, eof: false, done: false };
}

/** Moves what can move now; throws on a connection error (reset, broken pipe). */
function pump(d: Direction): void {
  for (;;) {
    if (d.buffered > 0) {
      const n = spliceSome(d.pipe[0], d.to, d.buffered);
      if (n === 'again') return;
      d.buffered -= n;
      continue;
    }
    if (d.eof) {
      if (!d.done) { shutdownWrite(d.to); d.done = true; }
      return;
    }
    const n = spliceSome(d.from, d.pipe[1], CHUNK);
    if (n === 'again') return;
    if (n === 0) d.eof = true; else d.buffered += n;
  }
}

/** What `d` waits for: `to` writable while the pipe holds data, else `from` readable; nothing once done. */
function interest(d: Direction): { fd: number; events: number } | undefined {
  if (d.done) return undefined;
  return d.buffered > 0 ? { fd: d.to, events: POLL.OUT } : { fd: d.from, events: POLL.IN };
}

export class SpliceRelay {
  private readonly pairs = new Set<Pair>();
  private readonly waker = wakeFd();
  private polling = false;

  /** Relays between `a` and `b` (both connected and paused) until both directions ended, then destroys them. */
  add(a: Socket, b: Socket): void {
    const [fa, fb] = [fdOf(a), fdOf(b)];
    const pair: Pair = { sockets: [a, b], dirs: [direction(fa, fb), direction(fb, fa)], failed: false };
    this.pairs.add(pair);
    this.step(pair);
    // A pair that ended already was never in a pending poll: closing it now is safe.
    if (this.finished(pair)) this.finish(pair);
    this.schedule();
  }

  get size(): number { return this.pairs.size; }

  private step(pair: Pair): void {
    try { for (const d of pair.dirs) pump(d); } catch { pair.failed = true; }
  }

  private finished(pair: Pair): boolean {
    return pair.failed || pair.dirs.every((d) => d.done);
  }

  private finish(pair: Pair): void {
    this.pairs.delete(pair);
    for (const d of pair.dirs) { close(d.pipe[0]); close(d.pipe[1]); }
    for (const s of pair.sockets) s.destroy();
  }

  private schedule(): void {
    if (this.polling) { this.waker.wake(); return; }
    const waiting = [...this.pairs];
    if (!waiting.length) return;
    const entries: { fd: number; events: number }[] = [{ fd: this.waker.fd, events: POLL.IN }];
    for (const p of waiting) for (const d of p.dirs) { const i = interest(d); if (i) entries.push(i); }
    this.polling = true;
    void pollAsync(entries).then(() => undefined, () => undefined).then(() => {
      this.polling = false;
      this.waker.drain();
      for (const p of waiting) {
        if (!this.pairs.has(p)) continue;
        this.step(p);
        if (this.finished(p)) this.finish(p);
      }
      this.schedule();
    });
  }
}
