// Turning section results into the aligned text table or JSON (pure, unit-tested).
import type { HostInfo } from './context.js';
import type { BenchOptions } from './args.js';
import type { Goal, RowResult, SectionResult } from './section.js';
import { ratio } from './stats.js';

export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
}

/** Pads every cell to its column's widest cell; columns are separated by two spaces, no trailing blanks. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        return c.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms >= 1000 ? ms.toFixed(0) : ms.toFixed(1);
}

export function formatMb(kb: number | undefined): string {
  return kb === undefined ? '-' : (kb / 1024).toFixed(1);
}

/** `0.45× podman`; `-` when there is nothing to compare. */
export function formatRatio(r: number | undefined, against: string): string {
  if (r === undefined) return '-';
  return `${r < 10 ? r.toFixed(2) : r.toFixed(1)}× ${against}`;
}

/**
 * The tree peak; a sampled peak below the largest single process's (GNU time) means sampling missed the
 * short-lived tree, so the cell shows that lower bound as `≥N`.
 */
function treeCell(r: RowResult): string {
  const m = r.memory;
  if (!m) return '-';
  if (m.maxProcKb !== undefined && m.treePeakKb < m.maxProcKb) return `≥${formatMb(m.maxProcKb)}`;
  return formatMb(m.treePeakKb);
}

function rowById(result: SectionResult, id: string): RowResult | undefined {
  return result.rows.find((r) => r.id === id);
}

export interface GoalStatus {
  readonly goal: Goal;
  readonly ratio?: number;
  readonly met?: boolean;
}

export function goalStatus(result: SectionResult, goal: Goal): GoalStatus {
  const r = ratio(rowById(result, goal.subject)?.wall?.median, rowById(result, goal.baseline)?.wall?.median);
  return r === undefined ? { goal } : { goal, ratio: r, met: r <= goal.maxRatio };
}

function goalLine(result: SectionResult, goal: Goal): string {
  const st = goalStatus(result, goal);
  const subject = rowById(result, goal.subject)?.label ?? goal.subject;
  const baseline = rowById(result, goal.baseline)?.label ?? goal.baseline;
  if (st.ratio === undefined) return `goal: ${goal.text} — cannot tell (${subject} or ${baseline} has no figures)`;
  return `goal: ${goal.text} — now ${st.ratio.toFixed(2)}× (${subject} vs ${baseline}): ${st.met ? 'met' : 'not met'}`;
}

/** The section's table, goal lines and numbered notes. */
export function renderSection(result: SectionResult): string {
  const baseRow = result.baseline !== undefined ? rowById(result, result.baseline) : undefined;
  const base = baseRow?.wall?.median;
  const against = result.baselineLabel ?? 'baseline';
  const columns: Column[] = [
    { header: 'tool', align: 'left' },
    { header: 'median ms', align: 'right' },
    { header: 'p90 ms', align: 'right' },
    { header: 'min ms', align: 'right' },
    { header: 'tree RSS MB', align: 'right' },
    { header: 'max proc MB', align: 'right' },
    { header: `vs ${against}`, align: 'left' },
  ];
  const cells = (r: RowResult): string[] => {
    const label = r.reference ? `(ref) ${r.label}` : r.label;
    if (r.status !== 'ok') return [label, '-', '-', '-', '-', '-', r.status];
    return [
      label,
      formatMs(r.wall?.median),
      formatMs(r.wall?.p90),
      formatMs(r.wall?.min),
      treeCell(r),
      formatMb(r.memory?.maxProcKb),
      r.id === result.baseline ? `1.00× (baseline)` : formatRatio(ratio(r.wall?.median, base), against),
    ];
  };
  const main = result.rows.filter((r) => !r.reference);
  const refs = result.rows.filter((r) => r.reference);
  const out = [`${result.name}: ${result.title}`, '', renderTable(columns, [...main, ...refs].map(cells)), ''];
  for (const g of result.goals ?? []) out.push(goalLine(result, g));
  const notes = [
    ...result.rows.filter((r) => r.status !== 'ok' && r.reason).map((r) => `${r.label}: ${r.status}: ${r.reason}`),
    ...result.notes,
  ];
  if (notes.length > 0) {
    out.push('', 'notes:');
    for (const n of notes) out.push(`  - ${n}`);
  }
  return out.join('\n');
}

export function renderHeader(host: HostInfo, opts: BenchOptions): string {
  const env = host.envRemoved.length > 0 ? [`removed from the measured commands' environment: ${host.envRemoved.join(', ')}`] : [];
  const mem = opts.memRuns > 0 ? `memory: ${opts.memRuns} sampled run(s) every ${opts.sampleMs} ms` : 'memory: skipped';
  return [
    `myctr bench — ${host.date.slice(0, 10)}, ${host.mode} (${host.user}), ${host.cpus} CPU(s) ${host.cpuModel}, ` +
      `${host.memTotalMb} MiB, Linux ${host.kernel}, Node ${host.node}, commit ${host.commit}, load ${host.loadAvg}`,
    `${opts.runs} timed run(s) per row after ${opts.warmup} warm-up(s), rounds interleaved; ${mem}`,
    'wall = spawn → exit; tree RSS = peak of the summed RSS of all processes in the tree (sampled);',
    'max proc = largest single process (GNU time %M). Details: docs/BENCHMARKS.md',
    ...env,
  ].join('\n');
}

export function renderReport(host: HostInfo, opts: BenchOptions, results: readonly SectionResult[]): string {
  return [renderHeader(host, opts), ...results.map(renderSection)].join('\n\n') + '\n';
}

export function toJson(host: HostInfo, opts: BenchOptions, results: readonly SectionResult[]): string {
  const sections = results.map((s) => ({
    ...s,
    goals: (s.goals ?? []).map((g) => {
      const st = goalStatus(s, g);
      return { ...g, ...(st.ratio !== undefined ? { ratio: st.ratio, met: st.met } : {}) };
    }),
  }));
  const { help: _h, list: _l, quiet: _q, format: _f, ...options } = opts;
  return `${JSON.stringify({ host, options, sections }, null, 2)}\n`;
}
