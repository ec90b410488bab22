// Section `network`: user-mode networking. (1) A bounded transfer container → host (busybox dd | nc to a
// sink on the host's own address; pasta reaches the host through its gateway mapping), as wall time for
// the whole `run --rm`; (2) time from `run -d -p` until the published port answers an HTTP request, plus
// the removal. myctr beside rootless/rootful podman on the same busybox rootfs, in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import type { BenchContext } from '../context.js';
import { myctrCommand, myctrFixture } from '../myctr.js';
import { podmanFixture, podmanRun } from '../peers.js';
import { measureRows, type Candidate } from '../rows.js';
import type { Section, SectionResult } from '../section.js';

const MIB = Number(process.env.MYCTR_BENCH_NET_MIB ?? 256);
const SINK_PORT = 29171;
const WEB_PORT = 29172;

function hostAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

function defaultGateway(): string | undefined {
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] !== '00000000' || !f[2] || f[2] === '00000000') continue;
      const n = parseInt(f[2], 16);
      return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
    }
  } catch { /* no routes */ }
  return undefined;
}

/** A host-side TCP sink (its own process, so it never runs inside the bench's timed loop). */
function startSink(ctx: BenchContext): ChildProcess {
  const script = `require('net').createServer((s) => { s.resume(); s.on('end', () => s.end()); }).listen(${SINK_PORT}, '0.0.0.0');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  ctx.onCleanup('network sink', () => { child.kill('SIGKILL'); });
  return child;
}

const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
const send = (ip: string) => `dd if=/dev/zero bs=1M count=${MIB} 2>/dev/null | nc ${ip} ${SINK_PORT}`;
/** run -d, poll until the port answers, remove: one shell line for both engines. */
const firstAnswer = (engine: string, runArgs: string) =>
  `id=$(${engine} run -d -p 127.0.0.1:${WEB_PORT}:8000 ${runArgs} httpd -f -p 8000 -h /) || exit 1; ` +
  // Bounded: a port that never answers fails the row (after ~10 s) instead of hanging the bench.
  `n=0; until curl -s -o /dev/null --max-time 1 http://127.0.0.1:${WEB_PORT}/; do n=$((n+1)); ` +
  `[ $n -lt 1000 ] || { ${engine} rm -f "$id" >/dev/null; echo 'no answer' >&2; exit 1; }; sleep 0.01; done; ${engine} rm -f "$id" >/dev/null`;

async function candidates(ctx: BenchContext, notes: string[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const addr = hostAddress();
  const gw = defaultGateway();
  const rootless = ctx.host.mode === 'rootless';
  const myctr = await myctrFixture(ctx);
  const unavailable = (reason: string) => ({ status: 'unavailable' as const, reason });
  const my = (args: string[]) => (myctr.ok ? myctrCommand(myctr.setup, args) : unavailable(myctr.reason));
  if (!addr) notes.push('the host has no non-loopback IPv4 address: the transfer rows need one');
  out.push({ id: 'myctr-slirp4netns', label: `myctr slirp4netns: ${MIB} MiB container → host`,
    cmd: addr ? my(['run', '--rm', '--network', 'slirp4netns', 'busybox', 'sh', '-c', send(addr)]) : unavailable('no host address') });
  out.push({ id: 'myctr-pasta', label: `myctr pasta: ${MIB} MiB container → host (gateway mapping)`,
    cmd: !rootless ? unavailable("Debian 12's pasta cannot attach as root") : gw ? my(['run', '--rm', '--network', 'pasta:--map-gw', 'busybox', 'sh', '-c', send(gw)]) : unavailable('no default gateway') });

  const podman = await podmanFixture(ctx).catch((err: Error) => ({ ok: false as const, status: 'unavailable' as const, reason: err.message }));
  if (podman.ok) {
    out.push({ id: 'podman-slirp4netns', label: `podman slirp4netns: ${MIB} MiB container → host`,
      cmd: addr ? podmanRun(podman.setup, ['--network', 'slirp4netns'], ['sh', '-c', send(addr)]) : unavailable('no host address') });
  } else {
    out.push({ id: 'podman-slirp4netns', label: `podman slirp4netns: ${MIB} MiB container → host`, cmd: { status: podman.status, reason: podman.reason } });
  }

  if (myctr.ok) {
    const cli = myctr.setup.cli.map(q).join(' ');
    out.push({ id: 'myctr-first-answer', label: 'myctr run -d -p … httpd until it answers, then rm -f (default network)',
      cmd: { argv: ['sh', '-c', firstAnswer(cli, 'busybox')], env: myctr.setup.env } });
  }
  if (podman.ok) {
    const p = podmanRun(podman.setup, [], []);
    // podmanRun gives `[wrap] podman … run --rm [flags] IMAGE`; reuse its prefix and flags for run -d.
    const i = p.argv.indexOf('run');
    const engine = p.argv.slice(0, i).map(q).join(' ');
    const flags = p.argv.slice(i + 2, -1).map(q).join(' ');
    out.push({ id: 'podman-first-answer', label: `podman run -d -p … httpd until it answers, then rm -f (${podman.setup.defaultNetwork})`,
      cmd: { argv: ['sh', '-c', firstAnswer(engine, `${flags} ${q(p.argv[p.argv.length - 1]!)}`)] } });
  }
  return out;
}

const TITLE = `user-mode networking: ${MIB} MiB container → host, and run -d until a published port answers`;

export const section: Section = {
  name: 'network',
  order: 40,
  title: TITLE,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const notes: string[] = [];
    startSink(ctx);
    const rows = await measureRows(ctx, 'network', await candidates(ctx, notes));
    notes.push(`throughput = ${MIB} MiB / wall time (the wall time includes starting and removing the container; ` +
      'MYCTR_BENCH_NET_MIB changes the size); the first-answer rows include `rm -f`');
    return {
      name: 'network', title: TITLE, rows, baseline: 'podman-slirp4netns', baselineLabel: 'podman',
      goals: [
        { text: 'myctr transfer ≤ 1× podman wall time', subject: 'myctr-slirp4netns', baseline: 'podman-slirp4netns', maxRatio: 1 },
        { text: 'myctr first answer ≤ 1× podman', subject: 'myctr-first-answer', baseline: 'podman-first-answer', maxRatio: 1 },
      ],
      notes,
    };
  },
};
