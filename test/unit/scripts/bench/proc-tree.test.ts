// Unit tests for /proc parsing and process-tree following (scripts/bench/proc-tree.ts), on fixed data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TreeTracker, byComm, descendants, pageSizeKb, parseStat, type ProcStat, type ProcSource } from '../../../../scripts/bench/proc-tree.js';

function statLine(pid: number, comm: string, ppid: number, start: number, rss: number): string {
  // Fields 3…24 after the comm; the ones the parser reads: ppid (4), starttime (22), rss (24).
  const f = ['S', ppid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, start, 1000, rss, 0];
  return `${pid} (${comm}) ${f.join(' ')}\n`;
}

describe('parseStat', () => {
  it('reads pid, ppid, start time and RSS, with spaces and parentheses in comm', () => {
    assert.deepEqual(parseStat(statLine(42, 'my (odd) name', 7, 1234, 99)), { pid: 42, ppid: 7, comm: 'my (odd) name', startTime: 1234, rssPages: 99 });
  });

  it('is undefined for malformed text', () => {
    assert.equal(parseStat(''), undefined);
    assert.equal(parseStat('12 no-parens S 1'), undefined);
    assert.equal(parseStat('12 (x) S'), undefined);
  });
});

const p = (pid: number, ppid: number, comm = 'x', rssPages = 1, startTime = pid): ProcStat => ({ pid, ppid, comm, startTime, rssPages });

describe('descendants', () => {
  it('follows parent links from the roots only', () => {
    const procs = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1), p(21, 20)];
    assert.deepEqual([...descendants(procs, [10])].sort((a, b) => a - b), [10, 11, 12]);
    assert.deepEqual([...descendants(procs, [11, 20])].sort((a, b) => a - b), [11, 12, 20, 21]);
  });
});

describe('byComm', () => {
  it('sums per process name, largest first', () => {
    assert.deepEqual(byComm([{ comm: 'a', kb: 1 }, { comm: 'b', kb: 5 }, { comm: 'a', kb: 2 }]), [
      { comm: 'b', count: 1, kb: 5 },
      { comm: 'a', count: 2, kb: 3 },
    ]);
  });
});

describe('TreeTracker', () => {
  const source = (snap: () => ProcStat[]): ProcSource & { reads: number } => {
    const s = {
      reads: 0,
      listPids: () => snap().map((x) => x.pid),
      readStat: (pid: number) => {
        s.reads++;
        return snap().find((x) => x.pid === pid);
      },
    };
    return s;
  };

  it('sums the tree without the excluded wrapper and keeps re-parented processes', () => {
    const kb = pageSizeKb();
    let snap = [p(1, 0, 'init'), p(5, 1, 'bench'), p(100, 5, 'tini', 10), p(101, 100, 'podman', 100), p(102, 101, 'conmon', 7)];
    const src = source(() => snap);
    const t = new TreeTracker(100, (x) => x.pid === 100, src);
    assert.equal(t.sample().totalKb, 107 * kb);
    // conmon double-forks away to init; it is still counted, and so is a child it starts.
    snap = [p(1, 0, 'init'), p(5, 1, 'bench'), p(100, 5, 'tini', 10), p(101, 100, 'podman', 100), p(102, 1, 'conmon', 7), p(103, 102, 'crun', 3)];
    assert.deepEqual(t.sample().procs.map((x) => x.comm).sort(), ['conmon', 'crun', 'podman']);
  });

  it('does not read processes outside the tree again', () => {
    const snap = [p(1, 0), p(5, 1), p(100, 5)];
    const src = source(() => snap);
    const t = new TreeTracker(100, undefined, src);
    t.sample();
    const after = src.reads;
    t.sample();
    assert.equal(src.reads - after, 1, 'only the tree process is read on the second sample');
  });
});
