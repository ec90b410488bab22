// `myctr run` process semantics: exit codes, signal forwarding, stdin, terminals, bad input, and that a
// failure at any step of creation leaves nothing behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_PATH, spawnCli } from '../../support/spawn-cli.js';
import { assertNoLeaks, snapshot } from '../../support/leaks.js';
import { setupRunFixture, type RunFixture } from './run-helpers.js';

let fx: RunFixture;

/** Collects a child's stdout until `marker` appears. */
function waitForOutput(child: ReturnType<typeof spawnCli>, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no \`${marker}\` in output: ${out}`)), 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(marker)) { clearTimeout(timer); resolve(out); }
    });
  });
}

function exitOf(child: ReturnType<typeof spawnCli>): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('myctr run: process semantics', () => {
  before(async () => { fx = await setupRunFixture(); });
  after(async () => { await fx?.env.cleanup(); });

  test('exit codes: the container\'s, 126 not executable, 127 not found', async () => {
    assert.equal((await fx.run(['--rm', 'busybox', 'true'])).code, 0);
    assert.equal((await fx.run(['--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
    const notExec = await fx.run(['--rm', 'busybox', '/etc/passwd']);
    assert.equal(notExec.code, 126);
    assert.match(notExec.stderr, /^myctr: exec `\/etc\/passwd`: permission denied\nhint: /);
    const missing = await fx.run(['--rm', 'busybox', 'no-such-command']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /executable file not found in \$PATH/);
    assert.deepEqual(fx.containerIds(), []);
  });

  test('SIGTERM and SIGINT, SIGHUP, SIGUSR1 reach PID 1; its exit code is returned', async () => {
    const script = 'for s in TERM INT HUP USR1 USR2 QUIT; do trap "echo got-$s; exit 143" $s; done; echo ready; while :; do sleep 0.05; done';
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const) {
      const child = spawnCli(['run', '--rm', 'busybox', 'sh', '-c', script], { env: fx.env.env });
      const done = exitOf(child);
      await waitForOutput(child, 'ready');
      child.kill(sig);
      const r = await done;
      assert.equal(r.code, 143, `${sig}: ${r.err}`);
      assert.match(r.out, new RegExp(`got-${sig.slice(3)}`));
    }
  });

  test('137 when the container\'s PID 1 is killed with SIGKILL', async () => {
    const child = spawnCli(['run', '--name', 'killme', 'busybox', 'sh', '-c', 'echo ready; sleep 60'], { env: fx.env.env });
    const done = exitOf(child);
    await waitForOutput(child, 'ready');
    const pid = fx.stateOf('killme').pid!;
    assert.ok(pid > 1);
    // It is the container's PID 1 (NSpid: <host pid> 1).
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^NSpid:\s+\d+\s+1$/m);
    process.kill(pid, 'SIGKILL');
    const r = await done;
    assert.equal(r.code, 137, r.err);
    assert.equal(fx.stateOf('killme').exitCode, 137);
  });

  test('stdin reaches the container with -i, and is empty without it', async () => {
    const withI = await fx.run(['--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo end'], { input: 'line1\nline2\n' });
    assert.equal(withI.stdout, 'line1\nline2\nend\n');
    const withoutI = await fx.run(['--rm', 'busybox', 'sh', '-c', 'cat; echo end'], { input: 'ignored\n' });
    assert.equal(withoutI.stdout, 'end\n');
  });

  test('-t gives a real pty from the container\'s devpts, sized like the caller\'s terminal', async () => {
    // script(1) gives the CLI a terminal of a known size.
    const cmd = `stty rows 33 cols 91; ${process.execPath} ${CLI_PATH} run --rm -it busybox sh -c 'tty; stty size; echo TERM=$TERM; exit 5'`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ...fx.env.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const r = exitOf(child);
    const res = await r;
    assert.equal(res.code, 5, res.out + res.err);
    assert.match(res.out, /\/dev\/pts\/0\r?\r?\n/);
    assert.match(res.out, /33 91/);
    assert.match(res.out, /TERM=xterm/);
  });

  test('bad input: clear one-line errors, exit 125, nothing left behind', async () => {
    const before = await snapshot({ mountPrefix: fx.env.root, marker: fx.env.root });
    const cases: [string[], RegExp][] = [
      [['--rm', 'no-such-image', 'true'], /^myctr: image `no-such-image` not found\nhint: /],
      [['--rm', '-v', 'nocolon', 'busybox', 'true'], /^myctr: invalid volume `nocolon`\nhint: /],
      [['--rm', '-v', '/no/such/dir:/x', 'busybox', 'true'], /^myctr: volume source `\/no\/such\/dir` does not exist\nhint: /],
      [['--rm', '-u', 'nosuchuser', 'busybox', 'true'], /^myctr: unable to find user `nosuchuser`: no matching entries in passwd file\nhint: /],
      [['--rm', '--cap-add', 'BOGUS', 'busybox', 'true'], /^myctr: unknown capability `CAP_BOGUS`\nhint: /],
      [['--rm', '-w', 'relative', 'busybox', 'true'], /^myctr: the working directory `relative` is invalid\nhint: /],
      [['--rm', '--no-such-flag', 'busybox'], /unknown option/],
    ];
    for (const [args, expected] of cases) {
      const r = await fx.run(args);
      assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected);
    }
    assert.deepEqual(fx.containerIds().filter((id) => !isKept(id)), []);
    await assertNoLeaks(before, { mountPrefix: fx.env.root, marker: fx.env.root });
  });

  test('a failure after each creation step unwinds everything', async () => {
    const before = await snapshot({ mountPrefix: fx.env.root, marker: fx.env.root });
    const namesBefore = fx.names();
    for (const point of ['name-reserved', 'dirs-created', 'config-saved', 'mapping-written', 'ready', 'state-saved']) {
      const r = await fx.run(['--name', `fail-${point}`, 'busybox', 'true'], { env: { MYCTR_TEST_FAIL_AT: point } });
      assert.equal(r.code, 125, `${point}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`injected after ${point}`));
      assert.doesNotMatch(r.stderr, /errors during cleanup/);
      assert.deepEqual(fx.containerIds().filter((id) => !isKept(id)), [], `${point}: container dir left`);
      assert.deepEqual(fx.names(), namesBefore, `${point}: name left reserved`);
    }
    await assertNoLeaks(before, { mountPrefix: fx.env.root, marker: fx.env.root });
  });

  test('a failure in each setup step inside the container unwinds everything', async () => {
    const before = await snapshot({ mountPrefix: fx.env.root, marker: fx.env.root });
    let n = 0;
    for (; n < 200; n++) {
      const r = await fx.run(['--rm', '-v', `${fx.env.runRoot}:/vol`, '--tmpfs', '/t', '--read-only', 'busybox', 'true'],
        { env: { MYCTR_TEST_FAIL_OP: String(n) } });
      if (r.code === 0) break;
      assert.equal(r.code, 125, `op ${n}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^myctr: setup step ${n} \\([a-z0-9-]+\\): test failure injected`));
      assert.deepEqual(fx.containerIds().filter((id) => !isKept(id)), [], `op ${n}: container dir left`);
    }
    assert.ok(n > 20, `only ${n} setup ops were planned`);
    await assertNoLeaks(before, { mountPrefix: fx.env.root, marker: fx.env.root });
  });
});

/** Containers other tests keep on purpose (run without --rm). */
function isKept(id: string): boolean {
  return ['killme', 'kept'].some((n) => {
    try { return readlinkSync(join(fx.env.root, 'names', n)) === id; } catch { return false; }
  });
}
