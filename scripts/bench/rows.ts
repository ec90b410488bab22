// The measuring loop shared by sections: warm up every row, then N interleaved rounds (row 1, row 2, …,
// row 1, row 2, …) so that drift in the machine's speed spreads over all rows alike, then the memory runs.
// A row whose command fails stops there and is reported as failed with the command's last stderr line.
import type { BenchContext } from './context.js';
import { failureOf, memoryRun, runOnce, type BenchCommand, type MemoryTools } from './measure.js';
import type { MemoryResult, RowResult, RowStatus } from './section.js';
import { summarize } from './stats.js';
import { which } from './tools.js';

export interface Candidate {
  readonly id: string;
  readonly label: string;
  readonly reference?: boolean;
  /** The command to measure, or why there is none. */
  readonly cmd: BenchCommand | { readonly status: Exclude<RowStatus, 'ok'>; readonly reason: string; readonly argv?: readonly string[] };
}

function isCommand(c: Candidate['cmd']): c is BenchCommand {
  return !('status' in c);
}

interface Live {
  readonly c: Candidate;
  readonly cmd: BenchCommand;
  readonly samples: number[];
  failed?: string;
  memory?: MemoryResult;
}

export function memoryTools(): MemoryTools {
  const tini = which('tini') ?? which('tini-static');
  const time = which('time', ['/usr/bin/time']);
  return { ...(tini ? { tini } : {}), ...(time ? { time } : {}) };
}

/** What the memory columns lack on this machine, for the section's notes. */
export function memoryNotes(ctx: BenchContext): string[] {
  if (ctx.opts.memRuns === 0) return [];
  const tools = memoryTools();
  const notes: string[] = [];
  if (!tools.tini) notes.push('tini is not installed: a process that re-parents away between two samples is missed by the tree RSS (apt-get install tini)');
  if (!tools.time) notes.push('GNU time (/usr/bin/time) is not installed: no max proc column (apt-get install time)');
  return notes;
}

export async function measureRows(ctx: BenchContext, section: string, candidates: readonly Candidate[]): Promise<RowResult[]> {
  const live: Live[] = [];
  for (const c of candidates) if (isCommand(c.cmd)) live.push({ c, cmd: c.cmd, samples: [] });
  const active = (): Live[] => live.filter((l) => l.failed === undefined);
  const attempt = async (l: Live, record: boolean): Promise<void> => {
    ctx.checkAborted();
    const out = await runOnce(l.cmd);
    const failure = failureOf(out);
    if (failure !== undefined) l.failed = failure;
    else if (record) l.samples.push(out.ms);
  };

  for (const l of live) {
    for (let i = 0; i < ctx.opts.warmup && l.failed === undefined; i++) {
      ctx.progress(`${section}: warm-up ${i + 1}/${ctx.opts.warmup}: ${l.c.label}`);
      await attempt(l, false);
    }
  }
  for (let round = 1; round <= ctx.opts.runs; round++) {
    ctx.progress(`${section}: round ${round}/${ctx.opts.runs}`);
    for (const l of active()) await attempt(l, true);
  }
  if (ctx.opts.memRuns > 0) {
    const tools = memoryTools();
    for (const l of active()) {
      let best: MemoryResult | undefined;
      for (let i = 0; i < ctx.opts.memRuns && l.failed === undefined; i++) {
        ctx.checkAborted();
        ctx.progress(`${section}: memory ${i + 1}/${ctx.opts.memRuns}: ${l.c.label}`);
        const m = await memoryRun(l.cmd, { tools, scratch: ctx.tmp, intervalMs: ctx.opts.sampleMs });
        const failure = failureOf(m.outcome);
        if (failure !== undefined) {
          l.failed = `in a memory run: ${failure}`;
          break;
        }
        const maxProcKb = Math.max(m.maxProcKb ?? 0, best?.maxProcKb ?? 0);
        const better = best === undefined || m.treePeakKb > best.treePeakKb;
        best = {
          runs: i + 1,
          treePeakKb: better ? m.treePeakKb : best!.treePeakKb,
          treeAtPeak: better ? m.treeAtPeak : best!.treeAtPeak,
          ...(maxProcKb > 0 ? { maxProcKb } : {}),
          samples: (best?.samples ?? 0) + m.samples,
        };
      }
      if (best) l.memory = best;
    }
  }
  ctx.endProgress();
  ctx.checkAborted();

  return candidates.map((c): RowResult => {
    const base = { id: c.id, label: c.label, ...(c.reference ? { reference: true } : {}) };
    if (!isCommand(c.cmd)) return { ...base, argv: c.cmd.argv ?? [], status: c.cmd.status, reason: c.cmd.reason };
    const l = live.find((x) => x.c === c)!;
    if (l.failed !== undefined) return { ...base, argv: l.cmd.argv, status: 'failed', reason: l.failed };
    return {
      ...base,
      argv: l.cmd.argv,
      status: 'ok',
      wall: summarize(l.samples),
      samplesMs: l.samples.map((ms) => Math.round(ms * 1000) / 1000),
      ...(l.memory ? { memory: l.memory } : {}),
    };
  });
}
