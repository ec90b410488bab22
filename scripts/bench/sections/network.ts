// Section `network`: user-mode networking, myctr beside podman on the same busybox rootfs, in the same run.
//  (1) container → host: a bounded transfer (the host's Node, run inside from a read-only bind of /, sends
//      to a sink on the host's own address; pasta reaches the host through its gateway mapping), as wall
//      time of the whole `run --rm`;
//  (2) host → published port: a host client sends the same amount to a sink in a container that runs for
//      the whole section (`run -d -p 127.0.0.1:P:8000 … nc -ll -e dd`), so only the transfer is timed;
//  (3) time from `run -d -p` until the published port answers an HTTP request, plus the removal.
// Every row gets host ports of its own, picked free when the section starts: a port forward left behind by
// an earlier run (e.g. a podman bridge's DNAT rule) must not answer for, or block, another row.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import type { BenchContext } from '../context.js';
import type { BenchCommand } from '../measure.js';
import { myctrCommand, myctrFixture, type MyctrSetup } from '../myctr.js';
import { PODMAN_IMAGE, podmanFixture, type PodmanSetup } from '../peers.js';
import { measureRows, type Candidate } from '../rows.js';
import type { Section, SectionResult } from '../section.js';
import { errorLine, exec, which } from '../tools.js';

const MIB = Number(process.env.MYCTR_BENCH_NET_MIB ?? 256);
/** How long a published port may take to answer before a row fails (the bench must never hang). */
const ANSWER_LIMIT_S = 30;

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

/** A TCP port that is free on every address now (the kernel's pick, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A host-side TCP sink (its own process, so it never runs inside the bench's timed loop). */
function startSink(ctx: BenchContext, port: number): ChildProcess {
  const script = `require('net').createServer((s) => { s.resume(); s.on('end', () => s.end()); }).listen(${port}, '0.0.0.0');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  ctx.onCleanup('network sink', () => { child.kill('SIGKILL'); });
  return child;
}

/** The host client of the host → published port rows: sends MIB MiB, half-closes, and exits when the
 *  sink closes (so the time covers delivery, not just the local socket buffer). Node: busybox nc copies
 *  in 1 KiB reads and would measure itself (256 MiB took ~6 s over plain loopback). */
const CLIENT = `const [host, port, mib] = process.argv.slice(2);
const s = require('net').connect(Number(port), host);
const buf = Buffer.alloc(1 << 20);
let left = Number(mib);
s.on('connect', function write() { while (left > 0) { left--; if (!s.write(buf)) return s.once('drain', write); } s.end(); });
s.resume();
s.on('end', () => process.exit(0));
s.on('error', (e) => { console.error('client: ' + e.message); process.exit(1); });
setTimeout(() => { console.error('client: no end from the sink'); process.exit(1); }, 60000).unref();
`;
/** The sink inside a container: busybox nc hands each connection to dd as its stdin (no copy loop in nc). */
const SINK_CMD = ['nc', '-ll', '-p', '8000', '-e', 'dd', 'of=/dev/null', 'bs=64k'];

const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
const LOADER: Partial<Record<string, string>> = { x64: '/lib64/ld-linux-x86-64.so.2', arm64: '/lib/ld-linux-aarch64.so.1' };

/** `-v /:/host:ro` for the run flags, and the command that runs the host's Node with `script` inside a
 *  busybox container (its dynamic loader started directly): the container → host rows send with the same
 *  client as the host → published port rows, since busybox nc would measure its own 1 KiB copy loop. */
function hostNode(script: string, args: readonly string[]): { flags: string[]; cmd: string[] } {
  const ld = realpathSync(LOADER[process.arch] ?? '/lib64/ld-linux-x86-64.so.2');
  return { flags: ['-v', '/:/host:ro'], cmd: [`/host${ld}`, '--library-path', `/host${dirname(ld)}`, `/host${realpathSync(process.execPath)}`, `/host${script}`, ...args] };
}

/** run -d, poll until the port answers (at most ANSWER_LIMIT_S), remove: one shell line for both engines. */
function firstAnswer(engine: string, port: number, runArgs: string, rmArgs = ''): string {
  return `id=$(${engine} run -d -p 127.0.0.1:${port}:8000 ${runArgs} httpd -f -p 8000 -h /) || exit 1; ` +
    `trap '${engine.replace(/'/g, `'\\''`)} rm -f ${rmArgs}"$id" >/dev/null' EXIT; end=$(( $(date +%s) + ${ANSWER_LIMIT_S} )); ` +
    `until curl -s -o /dev/null --max-time 1 http://127.0.0.1:${port}/; do ` +
    `[ $(date +%s) -lt $end ] || { echo 'no answer within ${ANSWER_LIMIT_S} s' >&2; exit 1; }; sleep 0.01; done`;
}

/** The engine prefix for detached podman containers (see PodmanSetup.detachedBase). */
function podmanEngine(setup: PodmanSetup): string[] {
  return [...(setup.detachedBase ?? [...setup.wrap, ...setup.base])];
}

interface Sink { ok: true; port: number }
type SinkResult = Sink | { ok: false; reason: string };

/** Starts a long-running sink container publishing 127.0.0.1:port and waits until a 0-byte transfer
 *  through it completes; registers its removal. */
async function startSinkContainer(ctx: BenchContext, label: string, engine: readonly string[], runArgs: readonly string[],
  env: NodeJS.ProcessEnv | undefined, client: string): Promise<SinkResult> {
  const port = await freePort();
  ctx.progress(`setting up: ${label} sink container`);
  const r = await exec([...engine, 'run', '-d', '-p', `127.0.0.1:${port}:8000`, ...runArgs, ...SINK_CMD], env ? { env } : {});
  if (r.code !== 0) return { ok: false, reason: `run -d failed: ${errorLine(r.stderr)}` };
  const id = r.stdout.trim().split('\n').pop()!;
  ctx.onCleanup(`${label} sink container`, async () => { await exec([...engine, 'rm', '-f', id], env ? { env } : {}); });
  const end = Date.now() + ANSWER_LIMIT_S * 1000;
  for (;;) {
    const probe = await exec([process.execPath, client, '127.0.0.1', String(port), '0'], { timeoutMs: 5000 });
    if (probe.code === 0) return { ok: true, port };
    if (Date.now() > end) return { ok: false, reason: `the published port did not pass data within ${ANSWER_LIMIT_S} s` };
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function candidates(ctx: BenchContext, notes: string[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const addr = hostAddress();
  const gw = defaultGateway();
  const rootless = ctx.host.mode === 'rootless';
  const myctr = await myctrFixture(ctx);
  const podman = await podmanFixture(ctx).catch((err: Error) => ({ ok: false as const, status: 'unavailable' as const, reason: err.message }));
  const unavailable = (reason: string) => ({ status: 'unavailable' as const, reason });
  const my = (args: string[]): Candidate['cmd'] => (myctr.ok ? myctrCommand(myctr.setup, args) : unavailable(myctr.reason));
  const pod = (extra: string[], cmd: string[]): Candidate['cmd'] =>
    podman.ok ? { argv: [...podman.setup.wrap, ...podman.setup.base, 'run', '--rm', ...podman.setup.runFlags, ...extra, PODMAN_IMAGE, ...cmd] }
      : { status: podman.status, reason: podman.reason };
  const pastaProblem = rootless ? undefined : "Debian 12's pasta cannot attach as root";

  const client = join(ctx.tmp, 'net-client.cjs');
  writeFileSync(client, CLIENT);

  // (1) container → host
  const sinkPort = await freePort();
  startSink(ctx, sinkPort);
  const send = (ip: string) => hostNode(client, [ip, String(sinkPort), String(MIB)]);
  if (!addr) notes.push('the host has no non-loopback IPv4 address: the container → host rows need one');
  out.push({ id: 'myctr-slirp4netns', label: `myctr slirp4netns: ${MIB} MiB container → host`,
    cmd: addr ? my(['run', '--rm', '--network', 'slirp4netns', ...send(addr).flags, 'busybox', ...send(addr).cmd]) : unavailable('no host address') });
  out.push({ id: 'myctr-pasta', label: `myctr pasta: ${MIB} MiB container → host (gateway mapping)`,
    cmd: pastaProblem ? unavailable(pastaProblem) : gw ? my(['run', '--rm', '--network', 'pasta:--map-gw', ...send(gw).flags, 'busybox', ...send(gw).cmd]) : unavailable('no default gateway') });
  out.push({ id: 'podman-slirp4netns', label: `podman slirp4netns: ${MIB} MiB container → host`,
    cmd: addr ? pod(['--network', 'slirp4netns', ...send(addr).flags], send(addr).cmd) : unavailable('no host address') });

  // (2) host → published port
  const hostRow = (id: string, label: string, sink: SinkResult | { ok: false; status: 'not installed' | 'unavailable'; reason: string }): Candidate => ({
    id, label,
    cmd: sink.ok ? { argv: [process.execPath, client, '127.0.0.1', String(sink.port), String(MIB)] }
      : { status: 'status' in sink ? sink.status : 'unavailable', reason: sink.reason },
  });
  const mySink = (net: string) => (myctr.ok ? startSinkContainer(ctx, `myctr ${net}`, myctr.setup.cli, ['--network', net, 'busybox'], myctr.setup.env, client)
    : Promise.resolve({ ok: false as const, reason: myctr.reason }));
  out.push(hostRow('myctr-publish-slirp4netns', `myctr slirp4netns: ${MIB} MiB host → published port`, await mySink('slirp4netns')));
  out.push(hostRow('myctr-publish-pasta', `myctr pasta: ${MIB} MiB host → published port`,
    pastaProblem ? { ok: false, reason: pastaProblem } : await mySink('pasta')));
  const podSink = podman.ok
    ? await startSinkContainer(ctx, 'podman slirp4netns', podmanEngine(podman.setup), [...podman.setup.runFlags, '--network', 'slirp4netns', PODMAN_IMAGE], undefined, client)
    : podman;
  out.push(hostRow('podman-publish-slirp4netns', `podman slirp4netns (rootlessport): ${MIB} MiB host → published port`, podSink));
  // podman with slirp4netns's own forwarder: the one myctr uses (it keeps the client's address; rootlessport does not).
  const podSlirpSink = podman.ok
    ? await startSinkContainer(ctx, 'podman slirp4netns:port_handler=slirp4netns', podmanEngine(podman.setup),
      [...podman.setup.runFlags, '--network', 'slirp4netns:port_handler=slirp4netns', PODMAN_IMAGE], undefined, client)
    : podman;
  out.push(hostRow('podman-publish-slirp-handler', `podman slirp4netns:port_handler=slirp4netns: ${MIB} MiB host → published port`, podSlirpSink));
  const busybox = which('busybox');
  if (busybox) {
    // The floor: the same client and sink program on the host, no container and no forwarder.
    const port = await freePort();
    const floor = spawn(busybox, ['nc', '-ll', '-p', String(port), '-e', busybox, 'dd', 'of=/dev/null', 'bs=64k'], { stdio: 'ignore' });
    ctx.onCleanup('host nc sink', () => { floor.kill('SIGKILL'); });
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await exec([process.execPath, client, '127.0.0.1', String(port), '0'], { timeoutMs: 5000 })).code === 0;
      if (!ready) await new Promise((res) => setTimeout(res, 50));
    }
    out.push({ id: 'host-loopback', label: `${MIB} MiB host → busybox nc|dd on the host's loopback (no container)`, reference: true,
      cmd: ready ? { argv: [process.execPath, client, '127.0.0.1', String(port), String(MIB)] } : unavailable('the host sink (busybox nc) did not answer') });
  }

  // (3) run -d until a published port answers
  if (myctr.ok) {
    const cli = myctr.setup.cli.map(q).join(' ');
    const fa = (net: string | undefined, setup: MyctrSetup, port: number): BenchCommand =>
      ({ argv: ['sh', '-c', firstAnswer(cli, port, `${net ? `--network ${net} ` : ''}busybox`)], env: setup.env });
    out.push({ id: 'myctr-first-answer', label: 'myctr run -d -p … httpd until it answers, then rm -f (default network)',
      cmd: fa(undefined, myctr.setup, await freePort()) });
    out.push({ id: 'myctr-first-answer-pasta', label: 'myctr run -d -p … httpd until it answers, then rm -f (pasta)',
      cmd: pastaProblem ? unavailable(pastaProblem) : fa('pasta', myctr.setup, await freePort()) });
  }
  if (podman.ok) {
    const engine = podmanEngine(podman.setup).map(q).join(' ');
    const flags = podman.setup.runFlags.map(q).join(' ');
    out.push({ id: 'podman-first-answer', label: `podman run -d -p … httpd until it answers, then rm -f (${podman.setup.defaultNetwork})`,
      // -t 0: kill at once, as `myctr rm -f` does (podman's default gives httpd, which ignores SIGTERM as PID 1, 10 s).
      cmd: { argv: ['sh', '-c', firstAnswer(engine, await freePort(), `${flags} ${q(PODMAN_IMAGE)}`, '-t 0 ')] } });
  }
  return out;
}

const TITLE = `user-mode networking: ${MIB} MiB container → host and host → published port, run -d until a published port answers`;

export const section: Section = {
  name: 'network',
  order: 40,
  title: TITLE,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const notes: string[] = [];
    const rows = await measureRows(ctx, 'network', await candidates(ctx, notes));
    notes.push(`container → host: throughput = ${MIB} MiB / wall time, which includes starting and removing the container ` +
      '(MYCTR_BENCH_NET_MIB changes the size); the sender is the host\'s Node run inside the container (-v /:/host:ro)');
    notes.push('host → published port: only the transfer is timed (a Node client sends, half-closes and waits for the sink to close; ' +
      'the sink containers run for the whole section); their memory columns are the client\'s only');
    notes.push('first answer: wall time of run -d, curl every 10 ms until the port answers, then rm -f (podman rm -f -t 0: killed at once like myctr\'s)');
    return {
      name: 'network', title: TITLE, rows,
      goals: [
        { text: 'myctr container → host ≤ 1× podman wall time', subject: 'myctr-slirp4netns', baseline: 'podman-slirp4netns', maxRatio: 1 },
        { text: 'myctr host → published port ≤ 1× podman wall time (its default, rootlessport)', subject: 'myctr-publish-slirp4netns', baseline: 'podman-publish-slirp4netns', maxRatio: 1 },
        { text: 'myctr host → published port ≤ 1× podman with the same forwarder (port_handler=slirp4netns)', subject: 'myctr-publish-slirp4netns', baseline: 'podman-publish-slirp-handler', maxRatio: 1 },
        { text: 'myctr first answer ≤ 1× podman', subject: 'myctr-first-answer', baseline: 'podman-first-answer', maxRatio: 1 },
      ],
      notes,
    };
  },
};
