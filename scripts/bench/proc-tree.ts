// Process-tree memory from /proc: parse /proc/<pid>/stat, find a tree by parent links, and sum RSS.
// Kernels may lack /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN; the reference machine does), so
// the tree is found from every process's parent pid. Sampling competes for the CPU with what it measures,
// which is why memory runs are separate from timed runs.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** Field 22, clock ticks after boot: with the pid, identifies a process across pid reuse. */
  readonly startTime: number;
  /** Field 24, resident set size in pages (anonymous + file-backed + shared memory). */
  readonly rssPages: number;
}

/**
 * Parses one /proc/<pid>/stat line. `comm` may hold spaces and parentheses, so the fields after it are
 * found from the last `)`. Undefined for anything malformed (a process can vanish mid-read).
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  const comm = text.slice(open + 2, close);
  // After ") ": field 3 (state) is index 0, so field k is index k − 3.
  const f = text.slice(close + 2).trim().split(' ');
  const ppid = Number(f[1]);
  const startTime = Number(f[19]);
  const rssPages = Number(f[21]);
  if (![pid, ppid, startTime, rssPages].every(Number.isFinite)) return undefined;
  return { pid, ppid, comm, startTime, rssPages };
}

/** The `roots` and every process below them by parent links (pure; `procs` is one snapshot). */
export function descendants(procs: readonly ProcStat[], roots: Iterable<number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const out = new Set<number>(roots);
  const queue = [...out];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    for (const c of children.get(pid) ?? []) {
      if (!out.has(c)) {
        out.add(c);
        queue.push(c);
      }
    }
  }
  return out;
}

/** Groups processes by name: summed KiB and count per comm, largest first. */
export function byComm(procs: readonly { comm: string; kb: number }[]): { comm: string; count: number; kb: number }[] {
  const acc = new Map<string, { comm: string; count: number; kb: number }>();
  for (const p of procs) {
    const e = acc.get(p.comm) ?? { comm: p.comm, count: 0, kb: 0 };
    e.count += 1;
    e.kb += p.kb;
    acc.set(p.comm, e);
  }
  return [...acc.values()].sort((a, b) => b.kb - a.kb || a.comm.localeCompare(b.comm));
}

let pageKb: number | undefined;

/** The page size in KiB (`getconf PAGESIZE`; 4 if that fails). */
export function pageSizeKb(): number {
  if (pageKb === undefined) {
    try {
      pageKb = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) / 1024 || 4;
    } catch {
      pageKb = 4;
    }
  }
  return pageKb;
}

/** Numeric entries of /proc: every process (thread group) visible here. */
export function listPids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(name));
  }
  return out;
}

/** /proc/<pid>/stat parsed, or undefined if the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

export interface TreeSample {
  readonly totalKb: number;
  readonly procs: readonly { pid: number; comm: string; kb: number }[];
}

export interface ProcSource {
  listPids(): number[];
  readStat(pid: number): ProcStat | undefined;
}

const PROC: ProcSource = { listPids, readStat };

/**
 * Follows the tree under `root` across samples, cheaply enough to sample every few ms:
 *  - a process once seen outside the tree is not read again (a process cannot move into the tree: a
 *    new one starts as a child of its parent, re-parenting only moves processes to a subreaper or init),
 *    so a sample reads only the tree and new pids. Pids are handed out in order, so a pid leaving and
 *    coming back as a tree process within one run would need a wrap-around of pid_max;
 *  - a process seen in the tree once stays counted while it lives (pid + start time), so one that a
 *    double fork re-parents away (podman's conmon, when no subreaper catches it) is not lost.
 * `exclude` leaves the measuring wrappers out of the sums (their children still count).
 */
export class TreeTracker {
  /** pid → start time of every process seen in the tree so far. */
  private readonly known = new Map<number, number>();
  private readonly outside = new Set<number>();
  constructor(
    private readonly root: number,
    private readonly exclude: (p: ProcStat) => boolean = () => false,
    private readonly source: ProcSource = PROC,
  ) {}

  sample(): TreeSample {
    const candidates: ProcStat[] = [];
    for (const pid of this.source.listPids()) {
      if (this.outside.has(pid)) continue;
      const st = this.source.readStat(pid);
      if (st) candidates.push(st);
    }
    const roots = [this.root];
    for (const p of candidates) if (this.known.get(p.pid) === p.startTime) roots.push(p.pid);
    const inTree = descendants(candidates, roots);
    const kbPerPage = pageSizeKb();
    const picked: { pid: number; comm: string; kb: number }[] = [];
    for (const p of candidates) {
      if (!inTree.has(p.pid)) {
        this.outside.add(p.pid);
        continue;
      }
      this.known.set(p.pid, p.startTime);
      if (this.exclude(p)) continue;
      picked.push({ pid: p.pid, comm: p.comm, kb: p.rssPages * kbPerPage });
    }
    return { totalKb: picked.reduce((s, p) => s + p.kb, 0), procs: picked };
  }
}
