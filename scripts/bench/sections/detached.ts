// Section `detached` (issue #3): memory that myctr itself adds per idle detached container, at 1 and at 20
// containers (the supervisor and any process of ours it keeps per container; the containers' own processes
// excluded), against podman's conmon processes; then the wall time of `run -d` and of `exec true`, myctr vs podman.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { BenchContext } from '../context.js';
import { myctrCommand, myctrFixture, type MyctrSetup } from '../myctr.js';
import { PODMAN_IMAGE, podmanFixture, type PodmanSetup } from '../peers.js';
import { measureRows, type Candidate } from '../rows.js';
import type { RowResult, Section, SectionResult } from '../section.js';
import { errorLine, exec } from '../tools.js';

interface Proc { pid: number; ppid: number; comm: string; cmdline: string; rssKb: number; pssKb: number; anonKb: number; fileKb: number }

function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const roll = readFileSync(`/proc/${e}/smaps_rollup`, 'utf8');
      const status = readFileSync(`/proc/${e}/status`, 'utf8');
      const kb = (k: string, text = roll) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
      out.push({ pid: Number(e), ppid: Number(rest[1]), comm, cmdline, rssKb: kb('Rss'), pssKb: kb('Pss'),
        anonKb: kb('RssAnon', status), fileKb: kb('RssFile', status) });
    } catch { /* exited, or not ours */ }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pidNs = (pid: number): string => { try { return readlinkSync(`/proc/${pid}/ns/pid`); } catch { return '?'; } };

/**
 * myctr's own processes: the supervisor of this store and those of its direct children that run in its pid
 * namespace (a stage-0 shell or network helper kept per container). Children in another pid namespace are the
 * containers' PID 1s, which the supervisor adopts as its own children: they are the containers' processes.
 */
function myctrProcs(setup: MyctrSetup): Proc[] {
  const procs = readProcs();
  const sup = procs.filter((p) => p.cmdline.startsWith(`myctr-supervisor ${setup.env.MYCTR_RUNROOT}`));
  const ids = new Set(sup.map((p) => p.pid));
  const ns = new Set(sup.map((p) => pidNs(p.pid)));
  return [...sup, ...procs.filter((p) => ids.has(p.ppid) && ns.has(pidNs(p.pid)))];
}

/** podman's per-container processes: conmon of this bench's store. */
function podmanProcs(setup: PodmanSetup): Proc[] {
  const root = setup.base[setup.base.indexOf('--root') + 1] ?? '';
  return readProcs().filter((p) => p.comm === 'conmon' && p.cmdline.includes(root));
}

function memoryRow(id: string, label: string, n: number, procs: Proc[], argv: readonly string[]): RowResult {
  const rss = procs.reduce((s, p) => s + p.rssKb, 0);
  const byComm = new Map<string, { count: number; kb: number }>();
  for (const p of procs) {
    const key = p.comm.startsWith('myctr-super') ? 'myctr-supervisor' : p.comm;
    const c = byComm.get(key) ?? { count: 0, kb: 0 };
    byComm.set(key, { count: c.count + 1, kb: c.kb + p.rssKb });
  }
  const pss = procs.reduce((s, p) => s + p.pssKb, 0);
  const anon = procs.reduce((s, p) => s + p.anonKb, 0);
  const file = procs.reduce((s, p) => s + p.fileKb, 0);
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  return {
    id, label: `${label}: total RSS ${mb(rss)} MB (anon ${mb(anon)}, file ${mb(file)}), ${(rss / 1024 / n).toFixed(2)} MB/container; ` +
      `PSS ${(pss / 1024 / n).toFixed(2)} MB/container`,
    argv, status: 'ok',
    memory: { runs: 1, samples: 1, treePeakKb: rss, treeAtPeak: [...byComm].map(([comm, v]) => ({ comm, ...v })).sort((a, b) => b.kb - a.kb) },
  };
}

async function myctrMemory(ctx: BenchContext, setup: MyctrSetup, rows: RowResult[]): Promise<void> {
  // --network none on both sides: the default user-mode network adds a slirp4netns/pasta per container
  // (kept by the supervisor), which `podman --network none` does not have.
  const argv = [...setup.cli, 'run', '-d', '--network', 'none', 'busybox', 'sleep', '100000'];
  let started = 0;
  try {
    for (const n of [1, 20]) {
      while (started < n) {
        ctx.checkAborted();
        ctx.progress(`detached: myctr run -d ${started + 1}/${n}`);
        const r = await exec(argv, { env: setup.env });
        if (r.code !== 0) throw new Error(errorLine(r.stderr));
        started++;
      }
      await sleep(2000); // idle: let start-up garbage be collected
      rows.push(memoryRow(`myctr-mem-${n}`, `myctr, ${n} idle container(s)`, n, myctrProcs(setup), argv));
    }
  } catch (err) {
    rows.push({ id: 'myctr-mem', label: 'myctr run -d', argv, status: 'failed', reason: (err as Error).message });
  } finally {
    const ids = (await exec([...setup.cli, 'ps', '-aq'], { env: setup.env })).stdout.split('\n').filter(Boolean);
    if (ids.length) await exec([...setup.cli, 'rm', '-f', ...ids], { env: setup.env });
  }
}

async function podmanMemory(ctx: BenchContext, setup: PodmanSetup, rows: RowResult[]): Promise<void> {
  const argv = [...setup.wrap, ...setup.base, 'run', '-d', ...setup.runFlags, '--network', 'none', PODMAN_IMAGE, 'sleep', '100000'];
  let started = 0;
  try {
    for (const n of [1, 20]) {
      while (started < n) {
        ctx.checkAborted();
        ctx.progress(`detached: podman run -d ${started + 1}/${n}`);
        const r = await exec(argv);
        if (r.code !== 0) throw new Error(errorLine(r.stderr));
        started++;
      }
      await sleep(2000);
      rows.push(memoryRow(`podman-mem-${n}`, `podman (conmon), ${n} idle container(s)`, n, podmanProcs(setup), argv));
    }
  } catch (err) {
    rows.push({ id: 'podman-mem', label: 'podman run -d', argv, status: 'failed', reason: (err as Error).message });
  } finally {
    await exec([...setup.wrap, ...setup.base, 'rm', '-af', '-t', '0']);
  }
}

export const section: Section = {
  name: 'detached',
  order: 20,
  title: 'detached containers: memory per idle container (1 and 20), `run -d` and `exec true`',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const notes: string[] = [];
    const rows: RowResult[] = [];
    const myctr = await myctrFixture(ctx);
    let podman: PodmanSetup | undefined;
    try {
      const p = await podmanFixture(ctx);
      if (p.ok) podman = p.setup; else notes.push(`podman: ${p.reason}`);
    } catch (err) { notes.push(`podman: ${(err as Error).message}`); }

    if (myctr.ok) await myctrMemory(ctx, myctr.setup, rows);
    if (podman) await podmanMemory(ctx, podman, rows);

    // Timing: run -d of a container that exits at once (--rm), and exec into a long-running one.
    const cands: Candidate[] = [];
    if (myctr.ok) {
      const s = myctr.setup;
      const up = await exec([...s.cli, 'run', '-d', '--network', 'none', '--name', 'bench-exec', 'busybox', 'sleep', '100000'], { env: s.env });
      if (up.code !== 0) notes.push(`myctr exec target: ${errorLine(up.stderr)}`);
      ctx.onCleanup('myctr bench-exec', async () => { await exec([...s.cli, 'rm', '-f', 'bench-exec'], { env: s.env }); });
      cands.push({ id: 'myctr-run-d', label: 'myctr run -d --rm --network none busybox true', cmd: myctrCommand(s, ['run', '-d', '--rm', '--network', 'none', 'busybox', 'true']) });
      cands.push({ id: 'myctr-exec', label: 'myctr exec CTR true', cmd: myctrCommand(s, ['exec', 'bench-exec', 'true']) });
    }
    if (podman) {
      const p = podman;
      const up = await exec([...p.wrap, ...p.base, 'run', '-d', '--name', 'bench-exec', ...p.runFlags, '--network', 'none', PODMAN_IMAGE, 'sleep', '100000']);
      if (up.code !== 0) notes.push(`podman exec target: ${errorLine(up.stderr)}`);
      ctx.onCleanup('podman bench-exec', async () => { await exec([...p.wrap, ...p.base, 'rm', '-f', '-t', '0', 'bench-exec']); });
      cands.push({ id: 'podman-run-d', label: 'podman run -d --rm --network none IMG true', cmd: { argv: [...p.wrap, ...p.base, 'run', '-d', '--rm', ...p.runFlags, '--network', 'none', PODMAN_IMAGE, 'true'] } });
      cands.push({ id: 'podman-exec', label: 'podman exec CTR true', cmd: { argv: [...p.wrap, ...p.base, 'exec', 'bench-exec', 'true'] } });
    }
    rows.push(...await measureRows(ctx, 'detached', cands));
    notes.push(
      'memory rows: RSS summed over myctr\'s own processes (the per-user supervisor, which is the parent of each container\'s ' +
        'PID 1, and any process of ours in its pid namespace; none per container with --network none) or podman\'s conmon ' +
        'processes, after 2 s idle; the containers\' own processes are excluded. anon/file: RssAnon/RssFile. PSS splits shared ' +
        'pages (libc, the node binary) between the processes that map them.',
      'the memory rows have no wall time; their figures are in the label and the tree column',
    );
    return { name: 'detached', title: this.title, rows, baseline: 'podman-exec', baselineLabel: 'podman', notes,
      goals: [{ text: 'myctr exec ≤ 1× podman exec', subject: 'myctr-exec', baseline: 'podman-exec', maxRatio: 1 }] };
  },
};
