// Crash safety: SIGKILL of the supervisor and of the CLI at several moments, then ps, logs and rm behave
// and nothing leaks; 20 containers started in parallel share one supervisor. Root and rootless.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnCli } from '../../../support/spawn-cli.js';
import { setupLifecycleFixture, type LifecycleFixture } from './helpers.js';

let fx: LifecycleFixture;
const readFileOr = (path: string): string => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };

describe('crashes and scale', () => {
  before(async () => { fx = await setupLifecycleFixture(); });
  after(async () => { await fx?.env.cleanup(); });
  beforeEach(async () => { await fx.removeAll(); });

  test('SIGKILL of the supervisor: its containers die, ps shows them exited, logs and rm still work', async () => {
    const before = await fx.snapshot();
    const n = fx.unique();
    for (const name of ['s1', 's2']) {
      assert.equal((await fx.cli(['run', '-d', '--name', name, 'busybox', 'sh', '-c', `echo up; sleep ${n} & exec sleep ${n}`])).code, 0);
    }
    const sup = fx.pidsWith(`myctr-supervisor ${fx.env.runRoot}`);
    assert.equal(sup.length, 1, 'one supervisor for both containers');
    process.kill(sup[0]!, 'SIGKILL');
    await fx.until('the containers died with it', () => fx.pidsWith(`sleep ${n}`).length === 0);
    const ps = await fx.cli(['ps', '-a']);
    assert.doesNotMatch(ps.stdout, /Up /);
    assert.match(ps.stdout, /Exited \(255\).*s2\n.*Exited \(255\).*s1\n/s);
    assert.match((await fx.cli(['inspect', '-f', '{{.State.Error}}', 's1'])).stdout, /supervisor died/);
    assert.equal((await fx.cli(['logs', 's1'])).stdout, 'up\n');
    // A new supervisor starts on demand for the next container.
    assert.equal((await fx.cli(['start', 's1'])).code, 0);
    assert.match((await fx.cli(['ps'])).stdout, /Up .*s1/);
    assert.equal((await fx.cli(['rm', '-f', 's1', 's2'])).code, 0);
    await fx.cleanAndCheck(before);
  });

  test('SIGKILL of `run -d` at several moments leaves either a container or nothing, and rm -f cleans up', async () => {
    const before = await fx.snapshot();
    for (const delayMs of [0, 50, 150, 300, 600]) {
      const cli = spawnCli(['run', '-d', 'busybox', 'sleep', '300'], { env: fx.env.env, stdio: 'ignore' });
      // Listen before anything else: a fast `run -d` may exit before the kill, and 'exit' fires only once.
      const exited = new Promise((r) => cli.once('exit', r));
      await sleep(delayMs);
      cli.kill('SIGKILL');
      await exited;
      const ps = await fx.cli(['ps', '-a']);
      assert.equal(ps.code, 0, ps.stderr);
    }
    const ids = (await fx.cli(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) assert.equal((await fx.cli(['rm', '-f', ...ids])).code, 0);
    assert.deepEqual(fx.containerIds(), []);
    // A create killed before its record existed left at most a staging dir and a name link; the next create
    // sweeps both.
    const next = await fx.cli(['create', 'busybox', 'true']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal((await fx.cli(['rm', next.stdout.trim()])).code, 0);
    assert.deepEqual(readdirSync(join(fx.env.root, 'containers')), []);
    assert.deepEqual(readdirSync(join(fx.env.root, 'names')), []);
    await fx.cleanAndCheck(before);
  });

  test('a CLI killed while the supervisor starts its container: rm -f waits for that start, then leaves nothing', async () => {
    const before = await fx.snapshot();
    const supervisor = `myctr-supervisor ${fx.env.runRoot}`;
    // The supervisor must be one started with the delay hook in its environment.
    await fx.until('the idle supervisor exited', () => fx.pidsWith(supervisor).length === 0);
    const n = fx.unique();
    const cli = spawnCli(['run', '-d', '--name', 'slow', 'busybox', 'sleep', String(n)],
      { env: { ...fx.env.env, MYCTR_TEST_DELAY_AT: 'supervisor-start' }, stdio: 'ignore' });
    const exited = new Promise((r) => cli.once('exit', r));
    let lockFile = '';
    await fx.until('the supervisor holds the container lock for the start', () => {
      try { lockFile = join(fx.env.runRoot, 'locks', readlinkSync(join(fx.env.root, 'names', 'slow'))); } catch { return false; }
      const holder = Number(readFileOr(lockFile).split(' ')[0]);
      return fx.pidsWith(supervisor).includes(holder);
    });
    cli.kill('SIGKILL');
    await exited;
    const rm = await fx.cli(['rm', '-f', 'slow']);
    assert.equal(rm.code, 0, rm.stderr);
    // Had rm not waited, the start would now go on and bring the container up with its record gone.
    await fx.until('the supervisor has nothing left and exits', () => fx.pidsWith(supervisor).length === 0);
    assert.deepEqual(fx.pidsWith(`sleep ${n}`), []);
    assert.deepEqual(readdirSync(join(fx.env.root, 'containers')), []);
    assert.deepEqual(readdirSync(join(fx.env.root, 'names')), []);
    assert.equal(readFileOr(lockFile), '', 'the lock is released');
    await fx.cleanAndCheck(before);
  });

  test('after a reboot (simulated: another boot id in the record) a running container shows as exited', async () => {
    const before = await fx.snapshot();
    const n = fx.unique();
    assert.equal((await fx.cli(['run', '-d', '--name', 'boot', 'busybox', 'sleep', String(n)])).code, 0);
    const id = fx.containerIds()[0]!;
    const statePath = join(fx.env.root, 'containers', id, 'state.json');
    const st = JSON.parse(readFileSync(statePath, 'utf8')) as { status: string; bootId: string };
    assert.equal(st.status, 'running');
    writeFileSync(statePath, JSON.stringify({ ...st, bootId: '00000000-0000-0000-0000-000000000000' }));
    const ps = await fx.cli(['ps', '-a']);
    assert.doesNotMatch(ps.stdout, /Up /);
    assert.match(ps.stdout, /Exited \(255\).*boot\n/);
    assert.equal((await fx.cli(['ps', '-q'])).stdout, '');
    assert.equal((await fx.cli(['inspect', '-f', '{{.State.Status}} {{.State.Error}}', 'boot'])).stdout, 'exited exited while unsupervised: the machine rebooted\n');
    // The record was rewritten, and rm still reaches the (here really still running) supervised process.
    assert.equal((JSON.parse(readFileSync(statePath, 'utf8')) as { status: string }).status, 'stopped');
    assert.equal((await fx.cli(['rm', 'boot'])).code, 0);
    await fx.until('the process is gone', () => fx.pidsWith(`sleep ${n}`).length === 0);
    await fx.cleanAndCheck(before);
  });

  test('a supervisor start that never completes: the error says what timed out and where the log is', async () => {
    const before = await fx.snapshot();
    await fx.until('no supervisor runs', () => fx.pidsWith(`myctr-supervisor ${fx.env.runRoot}`).length === 0);
    // A live process (this test) holds the start lock, as a CLI stuck while starting the supervisor would.
    const lockPath = join(fx.env.runRoot, 'supervisor.lock');
    writeFileSync(lockPath, `${process.pid} ${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}\n`);
    try {
      const r = await fx.cli(['run', '-d', '--name', 'late', 'busybox', 'true'], { env: { MYCTR_TEST_SUPERVISOR_START_MS: '300' } });
      assert.equal(r.code, 125);
      assert.match(r.stderr, /^myctr: timed out after 0\.3 s waiting for another myctr to start the supervisor \(`.*supervisor\.sock`\)\nhint: see the supervisor's log `.*supervisor\.log`; remove `.*supervisor\.lock` if no myctr process is running\n$/);
      assert.doesNotMatch(r.stderr, /image store/);
    } finally {
      unlinkSync(lockPath);
    }
    await fx.cleanAndCheck(before);
  });

  test('20 containers started in parallel: distinct ids, all running under one supervisor, all stopped', async () => {
    const before = await fx.snapshot();
    const n = fx.unique();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      fx.cli(['run', '-d', '--name', `p${i}`, 'busybox', 'sleep', String(n)], { timeoutMs: 120_000 })));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(new Set(results.map((r) => r.stdout)).size, 20);
    assert.equal(fx.pidsWith(`sleep ${n}`).length, 20);
    assert.equal(fx.pidsWith(`myctr-supervisor ${fx.env.runRoot}`).length, 1);
    assert.equal((await fx.cli(['ps', '-q'])).stdout.split('\n').filter(Boolean).length, 20);
    const stop = await fx.cli(['stop', '-t', '0', ...Array.from({ length: 20 }, (_, i) => `p${i}`)], { timeoutMs: 120_000 });
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(fx.pidsWith(`sleep ${n}`), []);
    await fx.cleanAndCheck(before);
  });
});
