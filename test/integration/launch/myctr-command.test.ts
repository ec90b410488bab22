// The `myctr` command (client/launch/myctr.sh → dist/client/cli/myctr): for a plain `run` it starts the
// container's stage 0 before the CLI's Node boots, and the CLI adopts it (client/runtime/start/early-stage0.ts)
// or kills it. As root and, in CI's second pass, as an unprivileged user, whose id map the command's mapper
// writes and the CLI checks against its own plan.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeResult, spawnCli } from '../../support/spawn-cli.js';
import { setupRunFixture, type RunFixture } from '../runtime/run-helpers.js';

const ADOPTED = 'stage 0: started by the myctr command';
const SPAWNED = 'stage 0: started by the CLI';
const debug = { MYCTR_LOG_LEVEL: 'debug' };

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
