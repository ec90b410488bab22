// What a bench section is and what it returns. A section is one file in scripts/bench/sections/ that
// exports `section: Section`; main.ts discovers them, so adding a section is adding a file.
import type { BenchContext } from './context.js';
import type { Summary } from './stats.js';

export interface Section {
  /** What `--only` selects, e.g. `run`. Lower-case, no spaces. */
  readonly name: string;
  /** Sections print in this order (run = 10, detached memory = 20, …). */
  readonly order: number;
  /** One line for `--list` and the table heading. */
  readonly title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}

/** Peak memory of one row, over `runs` sampled runs (the largest value seen in any of them). */
export interface MemoryResult {
  readonly runs: number;
  /** Peak of the summed RSS of every process in the tree, sampled from /proc (KiB). */
  readonly treePeakKb: number;
  /** The tree at that peak: process name → summed RSS in KiB, largest first. */
  readonly treeAtPeak: readonly { readonly comm: string; readonly count: number; readonly kb: number }[];
  /** Largest maximum resident set of one process the command waited for (`/usr/bin/time -f %M`, KiB). */
  readonly maxProcKb?: number;
  readonly samples: number;
}

export type RowStatus = 'ok' | 'not installed' | 'unavailable' | 'failed';

export interface RowResult {
  /** Stable key (`myctr-none`, `podman-none`) for JSON consumers and goals. */
  readonly id: string;
  /** What the table's first column shows. */
  readonly label: string;
  /** The exact command, as run. */
  readonly argv: readonly string[];
  /** A reference row (a floor such as Node's own start-up), printed apart from the compared tools. */
  readonly reference?: boolean;
  readonly status: RowStatus;
  /** Why the row has no figures (status ≠ ok). */
  readonly reason?: string;
  /** Wall time in ms over the timed runs. */
  readonly wall?: Summary;
  readonly samplesMs?: readonly number[];
  readonly memory?: MemoryResult;
}

/** "subject ≤ maxRatio × baseline", printed under the table; informational, never an exit status. */
export interface Goal {
  readonly text: string;
  readonly subject: string;
  readonly baseline: string;
  readonly maxRatio: number;
}

export interface SectionResult {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly RowResult[];
  /** Row id that the ratio column divides by; its label names the column. */
  readonly baseline?: string;
  readonly baselineLabel?: string;
  readonly goals?: readonly Goal[];
  readonly notes: readonly string[];
}
