// host-spawner.ts: the CLI's side of the `myctr` command's mapper once it wrote the id map. The mapper's own
// lines, from client/launch/myctr.sh, run in a real /bin/sh on real FIFOs (fds 8 and 9, as the command gives
// them); the programs it execs are small scripts that play slirp4netns's part (ready on fd 4, exit at EOF on
// fd 3).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HostSpawner, SPAWNER_FDS } from '../../../../../client/runtime/start/host-spawner.js';

const dir = mkdtempSync(join(tmpdir(), 'myctr-spawner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The mapper's lines after the id map (from `exec 3>&- 4<&-` to its exec), as the command has them. */
function mapperTail(): string {
  const text = readFileSync(new URL('../../../../../client/launch/myctr.sh', import.meta.url), 'utf8');
  const m = /\n\s*(exec 3>&- 4<&-\n[\s\S]*?9>&-)'/.exec(text);
  assert.ok(m, 'the mapper\'s tail is not in myctr.sh');
  return m[1]!;
}

let n = 0;
/** A stand-in mapper past its map: our FIFO ends (reopened one way, as early-stage0.ts does) and the shell. */
function startMapper(): { spawner: HostSpawner; shell: ChildProcess } {
  const [cmd, evt] = ['ncmd', 'nevt'].map((w) => join(dir, `${++n}.${w}`)) as [string, string];
  assert.equal(spawnSync('mkfifo', [cmd, evt]).status, 0);
  const rw = [openSync(cmd, constants.O_RDWR), openSync(evt, constants.O_RDWR)] as const;
  const stdio: ('ignore' | number)[] = Array(10).fill('ignore');
  stdio[SPAWNER_FDS.cmd] = rw[0];
  stdio[SPAWNER_FDS.evt] = rw[1];
  // The mapper's opening line (its other FIFOs are not here) and then its tail; fds 3 and 4 closed by it.
  const shell = spawn('/bin/sh', ['-c', `exec 8</proc/self/fd/8 9>/proc/self/fd/9\n${mapperTail()}`], { stdio: stdio as never });
  const spawner = new HostSpawner(shell.pid!, openSync(cmd, constants.O_WRONLY), openSync(evt, constants.O_RDONLY));
  for (const fd of rw) closeSync(fd);
  return { spawner, shell };
}

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Plays slirp4netns: says ready on fd 4 and closes it, then waits for EOF on fd 3 (its exit fd), reporting
 * its argv and the end on stderr.
 */
const WAITER = script('waiter', 'echo "args: $*" >&2; printf 1 >&4; exec 4>&-; cat <&3 >/dev/null; echo "saw EOF" >&2; sleep 0.2');

test('accepts only an absolute program and plain words (the mapper\'s shell splits at spaces)', () => {
  assert.ok(HostSpawner.accepts(['/usr/bin/slirp4netns', '--api-socket=/run/user/1/net/a.sock', '--mtu=65520', '42', 'tap0'], '/run/x.err'));
  assert.ok(!HostSpawner.accepts(['slirp4netns'], '/run/x.err'), 'a relative program');
  assert.ok(!HostSpawner.accepts([], '/run/x.err'), 'no program');
  for (const word of ['a b', 'a\tb', '$(id)', '`id`', 'a;b', '*', "'", '"', 'a>b']) {
    assert.ok(!HostSpawner.accepts(['/bin/true', word], '/run/x.err'), JSON.stringify(word));
    assert.ok(!HostSpawner.accepts(['/bin/true'], `/run/${word}`), `stderr file ${JSON.stringify(word)}`);
  }
  assert.ok(!HostSpawner.accepts(['/bin/true', ''], '/run/x.err'), 'an empty word');
});

test('exec: the program runs with its argv, is ready at its first bytes on fd 4 and exits once we close fd 3', async () => {
  const { spawner, shell } = startMapper();
  const err = join(dir, 'waiter.err');
  const program = spawner.exec([WAITER, '--one', 'two=2'], err);
  assert.ok(program);
  assert.equal(spawner.used, true);
  assert.equal(program.pid, shell.pid, 'the mapper itself becomes the program');
  await program.ready;
  assert.equal(spawner.exec([WAITER], err), undefined, 'a second exec');
  let exitedSeen = false;
  void program.exited.then(() => { exitedSeen = true; });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(exitedSeen, false, 'the ready fd\'s close was taken for the exit');
  const exited = once(shell, 'exit');
  await program.stop(5000);
  // `exited` resolves once the program is gone, after its last words (the sleep after "saw EOF").
  assert.equal(shell.exitCode ?? (await exited)[0], 0);
  assert.equal(readFileSync(err, 'utf8'), 'args: --one two=2\nsaw EOF\n');
});

test('exec: a program that exits before it is ready rejects `ready`, and its stderr is in the file', async () => {
  const { spawner, shell } = startMapper();
  const err = join(dir, 'fail.err');
  const program = spawner.exec([script('fail', 'echo "no tap device" >&2; exit 3')], err)!;
  await assert.rejects(program.ready, /exited before it was ready/);
  await program.exited;
  await once(shell, 'exit');
  assert.equal(readFileSync(err, 'utf8'), 'no tap device\n');
});

test('exec: a program that cannot be executed rejects `ready` too', async () => {
  const { spawner } = startMapper();
  const err = join(dir, 'missing.err');
  const program = spawner.exec([join(dir, 'no-such-program')], err)!;
  await assert.rejects(program.ready);
  assert.match(readFileSync(err, 'utf8'), /no-such-program/);
});

test('stop: a program that ignores its exit fd is killed after the grace time', async () => {
  const { spawner, shell } = startMapper();
  const program = spawner.exec([script('stubborn', 'printf 1 >&4; exec sleep 30 3<&- 4>&-')], join(dir, 'stubborn.err'))!;
  await program.ready;
  const exited = once(shell, 'exit');
  await program.stop(50);
  assert.deepEqual(await exited, [null, 'SIGKILL']);
});

test('release: the mapper reads EOF and exits without running anything; exec refuses afterwards', async () => {
  const { spawner, shell } = startMapper();
  const exited = once(shell, 'exit');
  spawner.release();
  spawner.release(); // once
  assert.deepEqual(await exited, [0, null]);
  assert.equal(spawner.exec([WAITER], join(dir, 'late.err')), undefined);
  assert.equal(spawner.used, false);
});

test('a refused argv leaves the spawner unused: release still ends the mapper', async () => {
  const { spawner, shell } = startMapper();
  assert.equal(spawner.exec([WAITER, 'two words'], join(dir, 'x.err')), undefined);
  const exited = once(shell, 'exit');
  spawner.release();
  assert.deepEqual(await exited, [0, null]);
});
