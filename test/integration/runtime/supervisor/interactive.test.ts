// stdin for supervised containers (create -i + start -ai, attach to run -d -i, terminals and ctrl-p ctrl-q) and
// `run --restart` / `--log-opt` without -d (the supervisor applies the policy after the CLI returned). Root
// and rootless.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCli } from '../../../support/spawn-cli.js';
import { setupLifecycleFixture, type LifecycleFixture } from './helpers.js';

let fx: LifecycleFixture;

describe('stdin and attached runs', () => {
  before(async () => { fx = await setupLifecycleFixture(); });
  after(async () => { await fx?.env.cleanup(); });
  beforeEach(async () => { await fx.removeAll(); });

  test('create -i + start -ai: cat gets our stdin, our EOF ends it; start -a alone does not forward', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['create', '-i', '--name', 'cat1', 'busybox', 'cat'])).code, 0);
    const r = await fx.cli(['start', '-ai', 'cat1'], { input: 'hello\nworld\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello\nworld\n');
    assert.equal((await fx.cli(['logs', 'cat1'])).stdout, 'hello\nworld\n');
    // Started again, -i on the command line is what forwards stdin: with -a only, cat waits on an open stdin.
    assert.equal((await fx.cli(['create', '-i', '--name', 'cat2', 'busybox', 'sh', '-c', 'read -t 1 x; echo "got:${x}"'])).code, 0);
    const a = await fx.cli(['start', '-a', 'cat2'], { input: 'ignored\n' });
    assert.equal(a.stdout, 'got:\n');
    await fx.cleanAndCheck(before);
  });

  test('attach to run -d -i: a shell reads its commands from our stdin; the exit code is the container\'s', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '-i', '--name', 'sh1', 'busybox', 'sh'])).code, 0);
    const r = await fx.cli(['attach', 'sh1'], { input: 'echo from-attach $((6*7)); exit 4\n' });
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, 'from-attach 42\n');
    await fx.cleanAndCheck(before);
  });

  test('a terminal: start -ai of create -it sh gets the shell\'s output (prompts included) and exits with its code', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['create', '-it', '--name', 'tty1', 'busybox', 'sh'])).code, 0);
    const r = await fx.cli(['start', '-ai', 'tty1'], { input: 'echo hi-$((6*7))\nexit 5\n' });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stdout, /hi-42\r\n/);
    assert.match(r.stdout, /\/ # /, 'the prompt, which has no newline, came through');
    await fx.cleanAndCheck(before);
  });

  test('ctrl-p ctrl-q detaches from a terminal: attach returns 0, the container runs on', async () => {
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-dit', '--name', 'tty2', 'busybox', 'sh'])).code, 0);
    const att = spawnCli(['attach', 'tty2'], { env: fx.env.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    att.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<number | null>((r) => att.once('exit', (c) => r(c)));
    att.stdin!.write('echo before-$((2+3))\n');
    await fx.until('the shell answered', () => out.includes('before-5'));
    att.stdin!.write(Buffer.from([0x10, 0x11])); // stdin stays open: only the detach keys can end attach
    assert.equal(await exited, 0);
    att.stdin!.destroy();
    assert.match((await fx.cli(['ps'])).stdout, /Up .*tty2\n/);
    await fx.cleanAndCheck(before);
  });

  test('run --restart=on-failure:2 without -d: the CLI returns the first exit, the supervisor restarts it twice', async () => {
    const before = await fx.snapshot();
    const r = await fx.cli(['run', '--restart=on-failure:2', '--name', 'fl', 'busybox', 'sh', '-c', 'echo run; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^run\n/);
    await fx.until('two restarts', async () => (await fx.cli(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'fl'])).stdout === '2 exited\n');
    assert.equal((await fx.cli(['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'fl'])).stdout, 'on-failure:2\n');
    assert.equal((await fx.cli(['logs', 'fl'])).stdout, 'run\nrun\nrun\n');
    // -i: our stdin reaches the container and our EOF ends it.
    const c = await fx.cli(['run', '-i', '--restart=on-failure:1', '--name', 'fc', 'busybox', 'cat'], { input: 'via-supervisor\n' });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'via-supervisor\n');
    const rm = await fx.cli(['run', '--rm', '--restart=always', 'busybox', 'true']);
    assert.equal(rm.code, 125);
    assert.match(rm.stderr, /^myctr: conflicting options: --restart and --rm\nhint: /);
    await fx.cleanAndCheck(before);
  });

  test('run --log-opt / --stop-timeout / --stop-signal without -d are recorded (inspect)', async () => {
    const before = await fx.snapshot();
    const r = await fx.cli(['run', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=2', '--stop-timeout', '3', '--stop-signal', 'HUP', '--name', 'lo', 'busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await fx.cli(['inspect', '-f', '{{json .HostConfig.LogConfig}} {{.Config.StopTimeout}} {{.Config.StopSignal}}', 'lo'])).stdout,
      '{"Type":"json-file","Config":{"max-size":"1024","max-file":"2"}} 3 SIGHUP\n');
    await fx.cleanAndCheck(before);
  });
});
