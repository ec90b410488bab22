// Detached containers: run -d, ps (table, -q, json, template), inspect, logs (tail, since, -t, -f, rotation),
// create + start -a, wait, names, rm of a running container, restart policies. Root and rootless.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from '../../../support/spawn-cli.js';
import { setupLifecycleFixture, type LifecycleFixture } from './helpers.js';

let fx: LifecycleFixture;

describe('detached containers', () => {
  before(async () => { fx = await setupLifecycleFixture(); });
  after(async () => { await fx?.env.cleanup(); });
  beforeEach(async () => { await fx.removeAll(); });

  test('run -d prints the id and returns while the container runs; ps, inspect, stop, rm; nothing left', async () => {
    const before = await fx.snapshot();
    const n = fx.unique();
    const r = await fx.cli(['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', `echo started; exec sleep ${n}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
    const id = r.stdout.trim();
    assert.equal(fx.pidsWith(`sleep ${n}`).length, 1, 'the workload runs after the CLI returned');

    const ps = await fx.cli(['ps']);
    assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"sh -c echo.*\\s+Up .*\\s+web$`, 'm'));
    assert.equal((await fx.cli(['ps', '-q'])).stdout, `${id.slice(0, 12)}\n`);
    assert.equal((await fx.cli(['ps', '--no-trunc', '-q'])).stdout, `${id}\n`);
    assert.equal((await fx.cli(['ps', '--format', '{{.Names}} {{.State}}'])).stdout, 'web running\n');
    const json = JSON.parse((await fx.cli(['ps', '--format', 'json'])).stdout) as { ID: string; Names: string };
    assert.equal(json.Names, 'web');

    const ins = JSON.parse((await fx.cli(['inspect', id.slice(0, 5)])).stdout) as Record<string, any>[];
    assert.equal(ins[0]!.Id, id);
    assert.equal(ins[0]!.Name, '/web');
    assert.equal(ins[0]!.State.Running, true);
    assert.deepEqual(ins[0]!.Config.Cmd, ['sh', '-c', `echo started; exec sleep ${n}`]);
    const pid = Number((await fx.cli(['inspect', '--format', '{{.State.Pid}}', 'web'])).stdout);
    assert.deepEqual(fx.pidsWith(`sleep ${n}`), [pid], 'State.Pid is the workload\'s host pid');
    const bad = await fx.cli(['inspect', '--format', '{{.Nope}}', 'web']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /no field `Nope`/);

    await fx.until('the log has the first line', async () => (await fx.cli(['logs', 'web'])).stdout === 'started\n');
    const stop = await fx.cli(['stop', '-t', '1', 'web']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, 'web\n');
    assert.deepEqual(fx.pidsWith(`sleep ${n}`), []);
    // sleep as PID 1 has no SIGTERM handler: the kernel ignores the signal, the SIGKILL after -t ends it.
    assert.match((await fx.cli(['ps', '-a'])).stdout, /Exited \(137\) .* ago\s+web/);
    assert.equal((await fx.cli(['ps', '-q'])).stdout, '');
    assert.equal((await fx.cli(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web'])).stdout, 'exited 137\n');

    assert.equal((await fx.cli(['rm', 'web'])).code, 0);
    assert.deepEqual(fx.containerIds(), []);
    assert.deepEqual(fx.names(), []);
    await fx.cleanAndCheck(before);
  });

  test('PID 1 is the supervisor\'s own child: no process of ours stays per container; kill -9 still gives 137', async () => {
    const n = fx.unique();
    const pids: number[] = [];
    for (const name of ['a1', 'a2']) {
      const r = await fx.cli(['run', '-d', '--network', 'none', '--name', name, 'busybox', 'sleep', `${n}`]);
      assert.equal(r.code, 0, r.stderr);
      pids.push(Number((await fx.cli(['inspect', '--format', '{{.State.Pid}}', name])).stdout));
    }
    const stat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = (pid: number) => Number(stat(pid).slice(stat(pid).lastIndexOf(')') + 2).split(' ')[1]);
    const sup = ppid(pids[0]!);
    assert.equal(ppid(pids[1]!), sup);
    assert.ok(readFileSync(`/proc/${sup}/cmdline`, 'utf8').startsWith(`myctr-supervisor ${fx.env.runRoot}`), 'the parent is the supervisor');
    const children = readFileSync(`/proc/${sup}/task/${sup}/children`, 'utf8').trim().split(' ').map(Number).sort();
    assert.deepEqual(children, [...pids].sort(), 'the supervisor\'s children are the two PID 1s and nothing else');
    // Idle, it drops the clean file pages of its start-up code (daemon/memory.ts): untrimmed, Node alone maps
    // ~34 MB of its binary.
    const rssFileKb = () => Number(/RssFile:\s+(\d+)/.exec(readFileSync(`/proc/${sup}/status`, 'utf8'))?.[1]);
    await fx.until('the idle supervisor trims its file pages', () => rssFileKb() < 20_000);
    assert.equal((await fx.cli(['kill', 'a1'])).code, 0);
    assert.equal((await fx.cli(['wait', 'a1'])).stdout, '137\n');
    assert.equal((await fx.cli(['rm', '-f', 'a2'])).code, 0);
  });

  test('a taken name and a running container without -f give clear errors', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'dup', 'busybox', 'sleep', '300'])).code, 0);
    const clash = await fx.cli(['run', '-d', '--name', 'dup', 'busybox', 'true']);
    assert.equal(clash.code, 125);
    assert.match(clash.stderr, /^myctr: the container name `dup` is already in use by container [0-9a-f]{12}\nhint: /);
    const rm = await fx.cli(['rm', 'dup']);
    assert.equal(rm.code, 125);
    assert.match(rm.stderr, /cannot remove container [0-9a-f]{12}: it is running\nhint: .*rm -f/);
    assert.equal((await fx.cli(['rm', '-f', 'dup'])).code, 0);
    assert.deepEqual(fx.containerIds(), []);
    const none = await fx.cli(['stop', 'dup']);
    assert.equal(none.code, 125);
    assert.match(none.stderr, /no such container `dup`/);
    await fx.cleanAndCheck(before);
  });

  test('logs: -f follows a process that writes over time until it exits; --tail, -t, --since, --until', async () => {
    const before = await fx.snapshot();
    const r = await fx.cli(['run', '-d', '--name', 'talk', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; sleep 0.2; done']);
    assert.equal(r.code, 0, r.stderr);
    const f = await fx.cli(['logs', '-f', 'talk']);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'out1\nout2\nout3\nout4\nout5\n');
    assert.equal(f.stderr, 'err1\nerr2\nerr3\nerr4\nerr5\n');
    assert.equal((await fx.cli(['logs', '--tail', '2', 'talk'])).stdout, 'out5\n', 'the last two lines are out5 and err5');
    const t = await fx.cli(['logs', '-t', '--tail', '1', 'talk']);
    assert.match(t.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z err5\n$/);
    assert.equal((await fx.cli(['logs', '--since', '10m', 'talk'])).stdout.split('\n').length, 6);
    assert.equal((await fx.cli(['logs', '--until', '10m', 'talk'])).stdout, '');
    const raw = readFileSync(join(fx.env.root, 'containers', r.stdout.trim(), 'ctr.log'), 'utf8').split('\n')[0]!;
    const entry = JSON.parse(raw) as Record<string, string>;
    assert.deepEqual(Object.keys(entry), ['log', 'stream', 'time'], 'Docker json-file shape');
    assert.equal(entry.log!.endsWith('1\n'), true);
    await fx.cleanAndCheck(before);
  });

  test('logs rotate by --log-opt max-size and keep max-file files', async () => {
    const before = await fx.snapshot();
    const r = await fx.cli(['run', '-d', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=2', 'busybox', 'sh', '-c',
      'i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done']);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.equal((await fx.cli(['wait', id])).stdout, '0\n');
    const log = join(fx.env.root, 'containers', id, 'ctr.log');
    assert.ok(existsSync(`${log}.1`), 'rotated once at least');
    assert.ok(!existsSync(`${log}.2`), 'max-file=2 keeps the current file and one rotated');
    for (const f of [log, `${log}.1`]) assert.ok(readFileSync(f).length <= 2048);
    const out = (await fx.cli(['logs', id])).stdout.split('\n').filter(Boolean);
    assert.equal(out.at(-1), 'line299');
    assert.ok(out.length < 300 && out.length > 10, `${out.length} lines kept`);
    // Consecutive: rotation never loses a line in the middle of what is kept.
    const first = Number(out[0]!.slice(4));
    assert.deepEqual(out, Array.from({ length: 300 - first }, (_, i) => `line${first + i}`));
    await fx.cleanAndCheck(before);
  });

  test('create, then start -a prints the output and exits with the container\'s code; wait', async () => {
    const before = await fx.snapshot();
    const c = await fx.cli(['create', '--name', 'job', 'busybox', 'sh', '-c', 'echo hello; echo oops >&2; exit 4']);
    assert.equal(c.code, 0, c.stderr);
    assert.match((await fx.cli(['ps', '-a'])).stdout, /Created\s+job/);
    const s = await fx.cli(['start', '-a', 'job']);
    assert.equal(s.code, 4, s.stderr);
    assert.equal(s.stdout, 'hello\n');
    assert.equal(s.stderr, 'oops\n');
    assert.equal((await fx.cli(['wait', 'job'])).stdout, '4\n');
    assert.match((await fx.cli(['ps', '-a'])).stdout, /Exited \(4\)/);
    await fx.cleanAndCheck(before);
  });

  test('restart policies: on-failure:2 retries twice; always survives an exit but not a stop', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 3'])).code, 0);
    await fx.until('two restarts', async () => (await fx.cli(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky'])).stdout === '2 exited\n');
    assert.equal((await fx.cli(['logs', 'flaky'])).stdout, 'run\nrun\nrun\n');

    assert.equal((await fx.cli(['run', '-d', '--name', 'keep', '--restart', 'always', 'busybox', 'sh', '-c', 'echo run; sleep 0.2'])).code, 0);
    await fx.until('restarted after exit 0', async () => Number((await fx.cli(['inspect', '-f', '{{.RestartCount}}', 'keep'])).stdout) >= 2);
    assert.equal((await fx.cli(['stop', '-t', '1', 'keep'])).code, 0);
    await fx.cli(['rm', 'flaky']);
    // The supervisor exits once it supervises nothing: no restart is pending after the stop.
    await fx.until('the supervisor went idle', () => fx.pidsWith(`myctr-supervisor ${fx.env.runRoot}`).length === 0);
    assert.equal((await fx.cli(['inspect', '-f', '{{.State.Status}}', 'keep'])).stdout, 'exited\n', 'a stopped container stays stopped');
    await fx.cleanAndCheck(before);
  });

  test('--rm removes a detached container when it exits', async () => {
    const before = await fx.snapshot();
    const r = await fx.cli(['run', '-d', '--rm', 'busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
    await fx.until('removed', () => fx.containerIds().length === 0);
    assert.deepEqual(fx.names(), []);
    await fx.cleanAndCheck(before);
  });

  test('container prune removes stopped containers only', async () => {
    const before = await fx.snapshot();
    const stopped = (await fx.cli(['run', '-d', 'busybox', 'true'])).stdout.trim();
    const running = (await fx.cli(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim();
    await fx.cli(['wait', stopped]);
    const p = await fx.cli(['container', 'prune', '-f']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(stopped));
    assert.deepEqual(fx.containerIds(), [running]);
    await fx.cleanAndCheck(before);
  });

  test('detach survives the CLI\'s session: start -a attached, the CLI killed, the container keeps running', async () => {
    const before = await fx.snapshot();
    const n = fx.unique();
    assert.equal((await fx.cli(['create', '--name', 'att', 'busybox', 'sh', '-c', `echo hi; exec sleep ${n}`])).code, 0);
    const cli = spawnCli(['start', '-a', 'att'], { env: fx.env.env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => cli.stdout!.once('data', () => resolve()));
    cli.kill('SIGKILL');
    await new Promise((r) => cli.once('exit', r));
    assert.equal(fx.pidsWith(`sleep ${n}`).length, 1, 'the container outlives the attached CLI');
    assert.match((await fx.cli(['ps'])).stdout, /Up .*att/);
    await fx.cleanAndCheck(before);
  });
});
