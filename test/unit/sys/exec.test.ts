// execve and the signal reset, from child processes (fixtures/exec.ts): a successful exec replaces the
// child, so its output and exit status are the evidence.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resultOf, runFixture } from './helpers.js';

test('execve /bin/true exits 0', () => {
  const run = runFixture('exec', ['true'], { userns: false });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.result, undefined, 'the fixture must not get past execve');
});

test('execve passes argv and env exactly, with stdout still open', () => {
  const run = runFixture('exec', ['argv'], { userns: false });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'zero|one two|bar baz|1\n');
});

test('execve of a missing path throws SyscallError ENOENT', () => {
  const r = resultOf(runFixture('exec', ['missing'], { userns: false }));
  assert.deepEqual(r.exec, {
    ok: false,
    name: 'SyscallError',
    code: 'MYCTR_SYSCALL',
    errnoName: 'ENOENT',
    message: 'execve `/nonexistent/myctr-x`: ENOENT (no such file or directory)',
  });
});

test('execve of a non-executable format throws ENOEXEC', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-sys-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'junk');
  writeFileSync(file, Buffer.from([0x00, 0x01, 0x02, 0x03, 0x0a]));
  chmodSync(file, 0o755);
  const r = resultOf(runFixture('exec', ['noexec', file], { userns: false }));
  assert.equal((r.exec as { errnoName: string }).errnoName, 'ENOEXEC');
  assert.equal((r.exec as { message: string }).message, `execve \`${file}\`: ENOEXEC (exec format error)`);
});

test('without the reset, Node\'s ignored signals survive execve', () => {
  const run = runFixture('exec', ['status'], { userns: false });
  assert.equal(run.status, 0, run.stderr);
  const sigIgn = /^SigIgn:\s*([0-9a-f]+)$/m.exec(run.stdout)?.[1];
  assert.ok(sigIgn, run.stdout);
  assert.notEqual(BigInt(`0x${sigIgn}`) & (1n << 12n), 0n, 'SIGPIPE (13) ignored: the premise of the reset');
});

test('resetSignalDispositions and unblockAllSignals leave the exec\'d program a clean signal state', () => {
  const run = runFixture('exec', ['signals'], { userns: false });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /SigBlk=0*800\b/, 'the fixture blocked SIGUSR2 beforehand');
  assert.match(run.stdout, /^SigIgn:\s*0{16}$/m);
  assert.match(run.stdout, /^SigBlk:\s*0{16}$/m);
});
