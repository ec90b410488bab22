// Per-layer progress lines for pull and push on a TTY (one line per blob, redrawn in place at most every 100 ms);
// on a pipe, one final status line per blob instead.
import { formatSize } from '../image/format.js';

/** Where the board writes: stderr, or a sink such as a build step's progress (not a TTY: one line per blob). */
export interface BoardOutput { write(s: string): unknown; isTTY?: boolean; columns?: number }

export class ProgressBoard {
  private readonly rows: { label: string; text: string }[] = [];
  private drawn = 0;
  private last = 0;
  private readonly tty: boolean;

  constructor(private readonly out: BoardOutput = process.stderr) {
    this.tty = out.isTTY === true && process.env.TERM !== 'dumb';
  }

  /** Adds a row; returns its index. */
  add(label: string, text: string): number {
    this.rows.push({ label, text });
    this.draw(true);
    return this.rows.length - 1;
  }

  bytes(row: number, done: number, total: number | undefined): void {
    // Called for every chunk: off a TTY the text is never shown, on one it is drawn at most every 100 ms.
    if (!this.tty || Date.now() - this.last < 100) return;
    const pct = total ? ` / ${formatSize(total)} (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
    this.set(row, `${formatSize(done)}${pct}`, false);
  }

  /** Intermediate text for a row (TTY only). */
  status(row: number, text: string): void {
    this.set(row, text, true);
  }

  /** Final text for a row; printed as a line of its own when not on a TTY. */
  finish(row: number, text: string): void {
    this.set(row, text, true);
    if (!this.tty) this.out.write(`${this.rows[row]!.label}: ${text}\n`);
  }

  private set(row: number, text: string, force: boolean): void {
    const r = this.rows[row];
    if (!r) return;
    r.text = text;
    this.draw(force);
  }

  private draw(force: boolean): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    let s = this.drawn ? `\x1b[${this.drawn}A` : '';
    for (const r of this.rows) s += `\r${`${r.label}: ${r.text}`.slice(0, width)}\x1b[K\n`;
    this.drawn = this.rows.length;
    this.out.write(s);
  }
}
