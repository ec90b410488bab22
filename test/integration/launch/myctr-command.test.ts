// The `myctr` command (client/launch/myctr.sh → dist/client/cli/myctr): for a plain `run` it starts the
// container's stage 0 before the CLI's Node boots, and the CLI adopts it (client/runtime/start/early-stage0.ts)
// or kills it. As root and, in CI's second pass, as an unprivileged user, whose id map the command's mapper
// writes and the CLI checks against its own plan.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probes, requireFeature } from '../../support/probes.js';
import { describeResult, spawnCli } from '../../support/spawn-cli.js';
import { setupRunFixture, type RunFixture } from '../runtime/run-helpers.js';

const ADOPTED = 'stage 0: started by the myctr command';
const SPAWNED = 'stage 0: started by the CLI';
const debug = { MYCTR_LOG_LEVEL: 'debug' };
const SLIRP_BY_MAPPER = 'slirp4netns: started by the myctr command\'s mapper';

/** Where the command makes its FIFOs for a process: /run as root, else $XDG_RUNTIME_DIR. */
function fifoDir(): string {
  return process.getuid?.() === 0 ? '/run' : process.env.XDG_RUNTIME_DIR ?? '/nonexistent';
}

function fifosOf(pid: number): string[] {
  const dir = fifoDir();
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(`myctr-early.${pid}.`)) : [];
}

describe('the myctr command: a run\'s early stage 0', () => {
  let fx: RunFixture;
  before(async () => { fx = await setupRunFixture(); });
  after(() => fx.env.cleanup());

  test('a plain run adopts the stage 0 the command started; the container sees the usual ids and exit code', async () => {
    const r = await fx.run(['--rm', '--network', 'none', 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; id -u; exit 3'], { env: debug });
    assert.equal(r.code, 3, describeResult(r));
    assert.ok(r.stderr.includes(ADOPTED), describeResult(r));
    // Root runs without a user namespace (as Podman); rootless, container root is the user, as the CLI planned.
    const root = process.getuid?.() === 0;
    assert.match(r.stdout, root ? /^\s*0\s+0\s+4294967295$/m : new RegExp(`^\\s*0\\s+${process.getuid?.()}\\s+1$`, 'm'), r.stdout);
    assert.match(r.stdout, /^0$/m);
    assert.deepEqual(fx.containerIds(), [], '--rm left a record');
  });

  test('MYCTR_EARLY=0 and the host\'s network: the CLI starts stage 0 itself', async () => {
    for (const [args, env] of [
      [['--rm', '--network', 'none', 'busybox', 'true'], { ...debug, MYCTR_EARLY: '0' }],
      [['--rm', '--network', 'host', 'busybox', 'true'], debug],
    ] as const) {
      const r = await fx.run(args, { env });
      assert.equal(r.code, 0, describeResult(r));
      assert.ok(r.stderr.includes(SPAWNED) && !r.stderr.includes(ADOPTED), describeResult(r));
    }
  });

  test('stdin: /dev/null without -i, the caller\'s with -i', async () => {
    const plain = await fx.run(['--rm', '--network', 'none', 'busybox', 'cat'], { input: 'from the caller\n', env: debug });
    assert.equal(plain.code, 0, describeResult(plain));
    assert.ok(plain.stderr.includes(ADOPTED), describeResult(plain));
    assert.equal(plain.stdout, '');
    const interactive = await fx.run(['--rm', '-i', '--network', 'none', 'busybox', 'cat'], { input: 'from the caller\n' });
    assert.equal(interactive.code, 0, describeResult(interactive));
    assert.equal(interactive.stdout, 'from the caller\n');
  });

  test('a guess the CLI refuses (an option it does not know) is killed: exit 125, no FIFO, no stage 0 left', async () => {
    const child = spawnCli(['run', '--no-such-option', 'busybox', 'true'], { env: fx.env.env });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.stdin!.end();
    const [code] = await once(child, 'exit') as [number | null];
    assert.equal(code, 125, stderr);
    assert.match(stderr, /unknown option/);
    assert.deepEqual(fifosOf(child.pid!), []);
    assert.deepEqual(await holdersOf(child.pid!), [], 'a process still holds the command\'s FIFOs');
  });

  test('FIFOs that a killed command left (its process gone) are removed by the next run', async () => {
    const gone = spawnSync('true');
    const stale = ['in', 'out'].map((w) => join(fifoDir(), `myctr-early.${gone.pid}.${w}`));
    const made = spawnSync('mkfifo', ['-m', '600', ...stale], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const r = await fx.run(['--rm', '--network', 'none', 'busybox', 'true']);
    assert.equal(r.code, 0, describeResult(r));
    // The sweep runs in the command's background subshell, beside the CLI: give it a moment.
    for (let i = 0; i < 40 && stale.some((f) => existsSync(f)); i++) await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(stale.filter((f) => existsSync(f)), []);
  });

  test('the command leaves no FIFO behind after a run, a failed run or a killed CLI', async () => {
    const ok = spawnCli(['run', '--rm', '--network', 'none', 'busybox', 'true'], { env: fx.env.env });
    ok.stdin!.end();
    assert.equal((await once(ok, 'exit'))[0], 0);
    assert.deepEqual(fifosOf(ok.pid!), []);
    const bad = spawnCli(['run', '--rm', 'no-such-image:1', 'true'], { env: fx.env.env });
    bad.stdin!.end();
    assert.equal((await once(bad, 'exit'))[0], 125);
    assert.deepEqual(fifosOf(bad.pid!), []);
    // SIGKILL once the container runs: stage 0 and the container die with the CLI (parent-death signals).
    const killed = spawnCli(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'echo up; sleep 30'], { env: fx.env.env });
    killed.stdin!.end();
    await once(killed.stdout!, 'data');
    killed.kill('SIGKILL');
    await once(killed, 'exit');
    assert.deepEqual(fifosOf(killed.pid!), []);
    assert.deepEqual(await holdersOf(killed.pid!), [], 'stage 0 outlived the CLI');
  });
});

describe('the myctr command: the network tool of a rootless run', () => {
  let fx: RunFixture;
  const rootless = process.getuid?.() !== 0;
  before(async () => { fx = await setupRunFixture(); });
  after(() => fx.env.cleanup());
  const ready = (t: Parameters<typeof requireFeature>[0]) =>
    (!rootless || requireFeature(t, probes.userns)) && requireFeature(t, probes.devNetTun) && requireFeature(t, probes.slirp4netns);

  test('rootless, the command\'s mapper execs slirp4netns for the CLI; as root the CLI spawns it; nothing is left', async (t) => {
    if (!ready(t)) return;
    const run = spawnCli(['run', '--rm', '--network', 'slirp4netns', 'busybox', 'sh', '-c', 'ip -4 addr show tap0; ip route'],
      { env: { ...fx.env.env, ...debug } });
    let out = '';
    let err = '';
    run.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
    run.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
    run.stdin!.end();
    const [code] = await once(run, 'exit') as [number | null];
    assert.equal(code, 0, err);
    assert.match(out, /inet 10\.0\.2\.100\/24/);
    assert.match(out, /^default via 10\.0\.2\.2 dev tap0/m);
    assert.equal(err.includes(SLIRP_BY_MAPPER), rootless, err);
    assert.deepEqual(fifosOf(run.pid!), []);
    assert.deepEqual(await holdersOf(run.pid!), [], 'slirp4netns or the mapper outlived the run');
    assert.deepEqual(readdirSync(join(fx.env.runRoot, 'net')).filter((n) => !n.endsWith('.json')), [], 'an API socket or stderr file is left');
  });

  test('a killed CLI takes the slirp4netns the mapper started with it', async (t) => {
    if (!ready(t)) return;
    const run = spawnCli(['run', '--rm', '--network', 'slirp4netns', 'busybox', 'sh', '-c', 'echo up; sleep 30'], { env: fx.env.env });
    run.stdin!.end();
    await once(run.stdout!, 'data');
    const slirp = slirpOf(run.pid!);
    assert.ok(slirp !== undefined, 'no slirp4netns under the CLI');
    run.kill('SIGKILL');
    await once(run, 'exit');
    assert.deepEqual(await holdersOf(run.pid!), [], 'a process of the run outlived the CLI');
    assert.ok(await gone(slirp), `slirp4netns (pid ${slirp}) outlived the CLI`);
    // Its API socket stays (slirp4netns cannot unlink it from its sandbox) until the next attach sweeps it.
    const net = join(fx.env.runRoot, 'net');
    const stale = readdirSync(net).filter((n) => n.endsWith(`.${run.pid}.sock`));
    assert.equal(stale.length, 1, readdirSync(net).join(' '));
    const next = await fx.run(['--rm', '--network', 'slirp4netns', 'busybox', 'true']);
    assert.equal(next.code, 0, describeResult(next));
    assert.deepEqual(readdirSync(net).filter((n) => !n.endsWith('.json')), [], 'the stale socket was not swept');
  });

  test('a slirp4netns that fails is a one-line error with its words: exit 125, nothing left', async (t) => {
    if (!ready(t)) return;
    // A slirp4netns first in PATH that answers the probe (--version, --help) and fails to attach.
    const bin = mkdtempSync(join(tmpdir(), 'myctr-fake-slirp-'));
    t.after(() => rmSync(bin, { recursive: true, force: true }));
    chmodSync(bin, 0o755);
    const fake = join(bin, 'slirp4netns');
    writeFileSync(fake, [
      '#!/bin/sh',
      'case "$1" in',
      '  --version) echo "slirp4netns version 1.2.0"; exit 0 ;;',
      '  --help) echo "--userns-path --api-socket"; exit 0 ;;',
      'esac',
      'echo "WARNING: this is experimental" >&2',
      'echo "fake: cannot open tap0" >&2',
      'exit 1',
    ].join('\n'));
    chmodSync(fake, 0o755);
    const before = fx.containerIds().length;
    const netFiles = () => readdirSync(join(fx.env.runRoot, 'net')).filter((n) => !n.endsWith('.json')).sort();
    const netBefore = netFiles();
    const r = await fx.run(['--rm', '--network', 'slirp4netns', 'busybox', 'true'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(r.code, 125, describeResult(r));
    assert.match(r.stderr, /slirp4netns failed: fake: cannot open tap0/);
    assert.doesNotMatch(r.stderr, /experimental/);
    assert.match(r.stderr, /^hint: /m);
    assert.equal(fx.containerIds().length, before, 'the failed run left a container record');
    assert.deepEqual(netFiles(), netBefore, 'an API socket or stderr file is left');
  });
});

/** The pid of a (non-zombie) slirp4netns whose parent is `pid`, if any. */
function slirpOf(pid: number): number | undefined {
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (stat.includes('(slirp4netns)') && fields[0] !== 'Z' && Number(fields[1]) === pid) return Number(p);
    } catch { /* gone */ }
  }
  return undefined;
}

/** Whether `pid` is gone or a zombie within 2 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    let state: string | undefined;
    try { const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3); } catch { return true; }
    if (state === 'Z') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Processes (of ours: others' fds are not readable) that hold FIFOs the command made for CLI `pid`, after
 * up to 2 s for the parent-death signals to land.
 */
async function holdersOf(pid: number): Promise<string[]> {
  const scan = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    let fds: string[];
    try { fds = readdirSync(`/proc/${p}/fd`); } catch { return false; }
    return fds.some((fd) => {
      try { return readlinkSync(`/proc/${p}/fd/${fd}`).includes(`myctr-early.${pid}.`); } catch { return false; }
    });
  });
  for (let i = 0; i < 40; i++) {
    if (scan().length === 0) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  return scan();
}
