// Unit tests for the bench's table and JSON rendering (scripts/bench/report.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS } from '../../../../scripts/bench/args.js';
import type { HostInfo } from '../../../../scripts/bench/context.js';
import { formatMb, formatMs, formatRatio, goalStatus, renderSection, renderTable, toJson } from '../../../../scripts/bench/report.js';
import type { SectionResult } from '../../../../scripts/bench/section.js';
import { summarize } from '../../../../scripts/bench/stats.js';

const HOST: HostInfo = {
  date: '2026-01-02T03:04:05.000Z', hostname: 'h', mode: 'root', user: 'root', uid: 0, cpus: 2, cpuModel: 'cpu',
  memTotalMb: 1024, kernel: '6.1', node: 'v20.0.0', commit: 'abc', loadAvg: 0, envRemoved: [],
};

function section(): SectionResult {
  return {
    name: 'run',
    title: 'start a container',
    rows: [
      { id: 'myctr-none', label: 'myctr', argv: ['myctr'], status: 'ok', wall: summarize([100, 110, 120]),
        memory: { runs: 1, treePeakKb: 2048, treeAtPeak: [], maxProcKb: 1024, samples: 3 } },
      { id: 'podman-none', label: 'podman', argv: ['podman'], status: 'ok', wall: summarize([200, 400, 300]) },
      { id: 'bwrap', label: 'bwrap', argv: [], status: 'not installed', reason: 'bwrap is not on PATH' },
      { id: 'node', label: 'node', argv: ['node'], reference: true, status: 'ok', wall: summarize([50]),
        memory: { runs: 1, treePeakKb: 512, treeAtPeak: [], maxProcKb: 1024, samples: 1 } },
    ],
    baseline: 'podman-none',
    baselineLabel: 'podman',
    goals: [{ text: 'myctr ≤ 0.5× podman', subject: 'myctr-none', baseline: 'podman-none', maxRatio: 0.5 }],
    notes: ['a note'],
  };
}

describe('renderTable', () => {
  it('pads columns to the widest cell and right-aligns numbers', () => {
    const t = renderTable(
      [{ header: 'tool', align: 'left' }, { header: 'ms', align: 'right' }],
      [['a', '1.0'], ['longer', '100.5']],
    );
    assert.equal(t, ['tool       ms', 'a         1.0', 'longer  100.5'].join('\n'));
  });
});

describe('formatting', () => {
  it('formats ms, MB and ratios', () => {
    assert.equal(formatMs(12.345), '12.3');
    assert.equal(formatMs(1234.5), '1235');
    assert.equal(formatMs(undefined), '-');
    assert.equal(formatMb(1536), '1.5');
    assert.equal(formatRatio(0.449, 'podman'), '0.45× podman');
    assert.equal(formatRatio(12.34, 'podman'), '12.3× podman');
    assert.equal(formatRatio(undefined, 'podman'), '-');
  });
});

describe('renderSection', () => {
  it('prints ratios to the baseline, statuses, reference rows last, the goal and the notes', () => {
    const text = renderSection(section());
    const lines = text.split('\n');
    const row = (label: string) => lines.find((l) => l.startsWith(label)) ?? '';
    assert.match(row('myctr'), /110\.0\s+118\.0\s+100\.0\s+2\.0\s+1\.0\s+0\.37× podman$/);
    assert.match(row('podman'), /1\.00× \(baseline\)$/);
    assert.match(row('bwrap'), /-\s+not installed$/);
    assert.match(row('(ref) node'), /≥1\.0/, 'a sampled tree below the largest process shows that lower bound');
    assert.ok(lines.indexOf(row('(ref) node')) > lines.indexOf(row('bwrap')));
    assert.ok(lines.includes('goal: myctr ≤ 0.5× podman — now 0.37× (myctr vs podman): met'));
    assert.ok(lines.includes('  - bwrap: not installed: bwrap is not on PATH'));
    assert.ok(lines.includes('  - a note'));
  });

  it('says when a goal cannot be judged', () => {
    const s = section();
    const noPodman = { ...s, rows: s.rows.filter((r) => r.id !== 'podman-none') };
    assert.equal(goalStatus(noPodman, s.goals![0]!).ratio, undefined);
    assert.match(renderSection(noPodman), /goal: .* cannot tell/);
  });
});

describe('toJson', () => {
  it('is valid JSON with the host, the measuring options and goal verdicts', () => {
    const parsed = JSON.parse(toJson(HOST, DEFAULTS, [section()])) as {
      host: HostInfo; options: Record<string, unknown>; sections: { goals: { ratio: number; met: boolean }[] }[];
    };
    assert.equal(parsed.host.cpus, 2);
    assert.equal(parsed.options.runs, 20);
    assert.equal(parsed.options.format, undefined);
    assert.equal(parsed.sections[0]!.goals[0]!.met, true);
    assert.ok(Math.abs(parsed.sections[0]!.goals[0]!.ratio - 110 / 300) < 1e-9);
  });
});
