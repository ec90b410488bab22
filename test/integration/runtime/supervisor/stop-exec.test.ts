// stop (SIGTERM ignored → SIGKILL after -t, children too), --init, kill, exec (-u/-w/-e/-t, exit codes,
// capabilities no more than the container's), concurrent rm -f/stop on one container. Root and rootless.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCli } from '../../../support/spawn-cli.js';
import { capsOf } from '../run-helpers.js';
import { setupLifecycleFixture, type LifecycleFixture } from './helpers.js';

let fx: LifecycleFixture;

describe('stop, kill and exec', () => {
  before(async () => { fx = await setupLifecycleFixture(); });
  after(async () => { await fx?.env.cleanup(); });
  beforeEach(async () => { await fx.removeAll(); });

  test('stop: a PID 1 that traps SIGTERM is killed after -t, and its children with it', async () => {
    const before = await fx.snapshot();
    const n = fx.unique();
    const r = await fx.cli(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', `trap "" TERM; sleep ${n} & sleep ${n + 1} & wait`]);
    assert.equal(r.code, 0, r.stderr);
    // Each marker matches PID 1's own command line and one sleep.
    await fx.until('both children run', () => fx.pidsWith(`sleep ${n} `).length === 2 && fx.pidsWith(`sleep ${n + 1} `).length === 2);
    const s = await fx.cli(['stop', '-t', '1', 'stubborn']);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual([...fx.pidsWith(`sleep ${n}`), ...fx.pidsWith(`sleep ${n + 1}`)], [], 'every process of the container is gone');
    assert.equal((await fx.cli(['inspect', '-f', '{{.State.ExitCode}}', 'stubborn'])).stdout, '137\n');
    await fx.cleanAndCheck(before);
  });

  test('--init: tini is PID 1, forwards SIGTERM (exit 143 without waiting for the timeout)', async () => {
    const before = await fx.snapshot();
    const r = await fx.cli(['run', '-d', '--init', '--name', 'inited', 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, r.stderr);
    const ps = await fx.cli(['exec', 'inited', 'cat', '/proc/1/cmdline']);
    assert.equal(ps.stdout.replaceAll('\0', ' ').trim(), '/dev/init -- sleep 300');
    // -t 100: only a forwarded SIGTERM can end it before the test's own time limit.
    assert.equal((await fx.cli(['stop', '-t', '100', 'inited'])).code, 0);
    assert.equal((await fx.cli(['inspect', '-f', '{{.State.ExitCode}}', 'inited'])).stdout, '143\n');
    await fx.cleanAndCheck(before);
  });

  test('run --init in the foreground: tini is PID 1 there too', async () => {
    const r = await fx.cli(['run', '--rm', '--init', 'busybox', 'cat', '/proc/1/cmdline']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.replaceAll('\0', ' ').trim(), '/dev/init -- cat /proc/1/cmdline');
  });

  test('attach follows the output from now on and exits with the container\'s code', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'att2', 'busybox', 'sh', '-c', 'while true; do echo tick; sleep 0.1; [ -f /go ] && exit 6; done'])).code, 0);
    const att = spawnCli(['attach', 'att2'], { env: fx.env.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    att.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    await fx.until('attach prints the ticks', () => out.includes('tick\n'));
    assert.equal((await fx.cli(['exec', 'att2', 'touch', '/go'])).code, 0);
    const code = await new Promise<number | null>((r) => att.once('exit', (c) => r(c)));
    assert.equal(code, 6);
    const no = await fx.cli(['attach', 'att2']);
    assert.equal(no.code, 125);
    assert.match(no.stderr, /is not running/);
    await fx.cleanAndCheck(before);
  });

  test('kill -s sends the signal; kill of a stopped container is an error', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'k', 'busybox', 'sh', '-c', 'trap "echo got-hup; exit 9" HUP; while true; do sleep 0.1; done'])).code, 0);
    await fx.until('trap installed', async () => (await fx.cli(['exec', 'k', 'true'])).code === 0);
    assert.equal((await fx.cli(['kill', '-s', 'HUP', 'k'])).code, 0);
    assert.equal((await fx.cli(['wait', 'k'])).stdout, '9\n');
    assert.equal((await fx.cli(['logs', 'k'])).stdout, 'got-hup\n');
    const again = await fx.cli(['kill', 'k']);
    assert.equal(again.code, 125);
    assert.match(again.stderr, /is not running/);
    await fx.cleanAndCheck(before);
  });

  test('exec: output, exit code, -u, -w, -e, the container\'s env and hostname, no more caps than PID 1', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'ex', '--hostname', 'exhost', '-e', 'FROM_RUN=1', '--cap-drop', 'CHOWN', 'busybox', 'sleep', '300'])).code, 0);
    const h = await fx.cli(['exec', 'ex', 'cat', '/etc/hostname']);
    assert.equal(h.code, 0, h.stderr);
    assert.equal(h.stdout, 'exhost\n');
    assert.equal((await fx.cli(['exec', 'ex', 'sh', '-c', 'exit 42'])).code, 42);
    const u = await fx.cli(['exec', '-u', '1000:1000', '-w', '/tmp', '-e', 'FOO=bar', 'ex', 'sh', '-c', 'id -u; id -g; pwd; echo $FOO $FROM_RUN; hostname']);
    assert.equal(u.stdout, '1000\n1000\n/tmp\nbar 1\nexhost\n', u.stderr);
    const mine = capsOf((await fx.cli(['exec', 'ex', 'cat', '/proc/self/status'])).stdout);
    const init = capsOf((await fx.cli(['exec', 'ex', 'cat', '/proc/1/status'])).stdout);
    assert.equal(mine.CapEff, init.CapEff);
    assert.equal(mine.CapBnd, init.CapBnd);
    assert.equal(mine.CapEff! & 1n, 0n, 'CAP_CHOWN was dropped for the container, so for exec too');
    const missing = await fx.cli(['exec', 'ex', 'no-such-cmd']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /no-such-cmd/);
    const procs = await fx.cli(['exec', 'ex', 'ps', '-o', 'pid,comm']);
    assert.match(procs.stdout, /^\s*1 sleep$/m, 'exec sees the container\'s pid namespace');
    await fx.cleanAndCheck(before);
  });

  test('exec -d returns at once and the process runs on in the container; a missing command is still 127', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'xd', 'busybox', 'sleep', '300'])).code, 0);
    // The exec'd shell waits for a file that only appears after the CLI returned: it must outlive the CLI.
    const d = await fx.cli(['exec', '-d', 'xd', 'sh', '-c', 'while [ ! -f /go ]; do sleep 0.05; done; echo done > /done']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, '', 'Docker prints nothing');
    assert.equal((await fx.cli(['exec', 'xd', 'touch', '/go'])).code, 0);
    await fx.until('the detached process finished', async () => (await fx.cli(['exec', 'xd', 'cat', '/done'])).stdout === 'done\n');
    const missing = await fx.cli(['exec', '-d', 'xd', 'no-such-cmd']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /no-such-cmd/);
    const it = await fx.cli(['exec', '-d', '-t', 'xd', 'sh']);
    assert.equal(it.code, 125);
    assert.match(it.stderr, /^myctr: exec -d cannot be combined with -i or -t\n/);
    // A detached exec still running when the container stops dies with its pid namespace.
    const n = fx.unique();
    assert.equal((await fx.cli(['exec', '-d', 'xd', 'sleep', String(n)])).code, 0);
    await fx.until('the detached sleep runs', () => fx.pidsWith(`sleep ${n}`).length === 1);
    assert.equal((await fx.cli(['stop', '-t', '0', 'xd'])).code, 0);
    await fx.until('the detached exec died with the container', () => fx.pidsWith(`sleep ${n}`).length === 0);
    await fx.cleanAndCheck(before);
  });

  test('exec -t gets a terminal from the container\'s devpts; exec on a stopped container errors', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'tt', 'busybox', 'sleep', '300'])).code, 0);
    const t = await fx.cli(['exec', '-t', 'tt', 'sh', '-c', 'tty; exit 3']);
    assert.equal(t.code, 3, t.stderr);
    assert.match(t.stdout, /^\/dev\/pts\/\d+\r?\n$/);
    assert.equal((await fx.cli(['stop', '-t', '0', 'tt'])).code, 0);
    const e = await fx.cli(['exec', 'tt', 'true']);
    assert.equal(e.code, 125);
    assert.match(e.stderr, /^myctr: container [0-9a-f]{12} is not running\nhint: /);
    await fx.cleanAndCheck(before);
  });

  test('concurrent rm -f and stop on one container, and two concurrent rm -f: consistent, nothing left', async () => {
    const before = await fx.snapshot();
    for (const pair of [['rm', 'stop'], ['rm', 'rm']] as const) {
      const n = fx.unique();
      assert.equal((await fx.cli(['run', '-d', '--name', 'race', 'busybox', 'sh', '-c', `trap "" TERM; exec sleep ${n}`])).code, 0);
      const [a, b] = await Promise.all(pair.map((verb) => fx.cli(verb === 'rm' ? ['rm', '-f', 'race'] : ['stop', '-t', '1', 'race'])));
      for (const r of [a!, b!]) assert.ok(r.code === 0 || /no such container/.test(r.stderr), r.stderr);
      assert.ok(a!.code === 0 || b!.code === 0);
      assert.deepEqual(fx.pidsWith(`sleep ${n}`), []);
      assert.deepEqual(fx.containerIds(), []);
      assert.deepEqual(fx.names(), []);
    }
    await fx.cleanAndCheck(before);
  });
});
