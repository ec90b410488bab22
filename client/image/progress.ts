// One updating status line on stderr while a long step runs (bytes read, % when the total is known; or the
// current step of a tool). Silent when stderr is not a TTY. Redraws at most every 100 ms.
import { formatSize } from './format.js';

export interface ProgressLine {
  /** Bytes processed so far. */
  bytes(n: number): void;
  /** A free-form status text (e.g. the tool's current step). */
  text(s: string): void;
  /** Erases the line. */
  done(): void;
}

const NOOP: ProgressLine = { bytes() {}, text() {}, done() {} };

export function createProgress(label: string, opts: { total?: number | undefined; stream?: NodeJS.WriteStream; enabled?: boolean } = {}): ProgressLine {
  const out = opts.stream ?? process.stderr;
  if (!(opts.enabled ?? out.isTTY)) return NOOP;
  let last = 0;
  let shown = false;
  const draw = (s: string, force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const width = Math.max(20, (out.columns || 80) - 1);
    out.write(`\r\x1b[2m${`${label}: ${s}`.slice(0, width)}\x1b[0m\x1b[K`);
    shown = true;
  };
  return {
    bytes(n) {
      const pct = opts.total ? ` / ${formatSize(opts.total)} (${Math.min(100, Math.floor((n / opts.total) * 100))}%)` : '';
      draw(`${formatSize(n)}${pct}`);
    },
    text(s) { draw(s.replace(/\s+/g, ' ').trim()); },
    done() { if (shown) out.write('\r\x1b[K'); shown = false; },
  };
}
