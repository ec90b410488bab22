// client/runtime/init/lookup.ts on a temp tree: PATH search, explicit paths, and Docker's 126/127 split.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ExecLookupError, lookupExecutable } from '../../../../../client/runtime/init/lookup.js';

const d = mkdtempSync(join(tmpdir(), 'myctr-lookup-'));
after(() => rmSync(d, { recursive: true, force: true }));

function file(path: string, mode: number): string {
  const p = join(d, path);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, '#!/bin/sh\n');
  chmodSync(p, mode);
  return p;
}

file('a/tool', 0o755);
file('b/tool', 0o755);
file('b/only-b', 0o755);
file('c/noexec', 0o644);
file('e/noexec', 0o755);
file('c/plain', 0o644);
mkdirSync(join(d, 'c/adir'), { recursive: true });
mkdirSync(join(d, 'a/subdir'), { recursive: true });
file('b/subdir', 0o755);

const env = (path: string) => ['HOME=/root', `PATH=${path}`];

function assertLookupError(fn: () => unknown, exitCode: 126 | 127, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ExecLookupError, String(err));
    assert.equal(err.exitCode, exitCode);
    assert.equal(err.code, exitCode === 127 ? 'MYCTR_COMMAND_NOT_FOUND' : 'MYCTR_CANNOT_EXECUTE');
    assert.match(err.message, message);
    assert.ok(err.hint);
    return true;
  });
}

test('a command is found in PATH; the first match wins', () => {
  assert.equal(lookupExecutable('tool', env(`${d}/a:${d}/b`), '/'), `${d}/a/tool`);
  assert.equal(lookupExecutable('tool', env(`${d}/b:${d}/a`), '/'), `${d}/b/tool`);
  assert.equal(lookupExecutable('only-b', env(`${d}/a:${d}/b`), '/'), `${d}/b/only-b`);
});

test('directories and non-executable files in PATH are skipped for a later executable match', () => {
  assert.equal(lookupExecutable('subdir', env(`${d}/a:${d}/b`), '/'), `${d}/b/subdir`);
  assert.equal(lookupExecutable('noexec', env(`${d}/c:${d}/e`), '/'), `${d}/e/noexec`);
});

test('a name missing from PATH → 127', () => {
  assertLookupError(() => lookupExecutable('nope', env(`${d}/a:${d}/b`), '/'), 127, /exec `nope`: executable file not found in \$PATH/);
});

test('only a non-executable match in PATH → 126 naming it', () => {
  assertLookupError(() => lookupExecutable('plain', env(`${d}/a:${d}/c`), '/'), 126, new RegExp(`exec \`${d}/c/plain\`: permission denied`));
});

test('only a directory match in PATH → 127, as exec.LookPath', () => {
  assertLookupError(() => lookupExecutable('adir', env(`${d}/c`), '/'), 127, /not found in \$PATH/);
});

test('without PATH in the env the default PATH is searched', () => {
  // `sh` is in /bin or /usr/bin on every host running these tests.
  assert.match(lookupExecutable('sh', [], '/'), /^\/(usr\/)?bin\/sh$/);
  assertLookupError(() => lookupExecutable('tool', ['PATHX=/nope'], '/'), 127, /not found/);
});

test('a path with / is used as given, relative to cwd', () => {
  assert.equal(lookupExecutable(`${d}/a/tool`, env('/nonexistent'), '/'), `${d}/a/tool`);
  assert.equal(lookupExecutable('./tool', env('/nonexistent'), `${d}/b`), `${d}/b/tool`);
  assert.equal(lookupExecutable('a/tool', [], d), `${d}/a/tool`);
});

test('a path with /: missing → 127, not executable → 126, directory → 126', () => {
  assertLookupError(() => lookupExecutable('./missing', [], d), 127, /exec `\.\/missing`: no such file or directory/);
  assertLookupError(() => lookupExecutable(`${d}/c/plain`, [], '/'), 126, /permission denied/);
  assertLookupError(() => lookupExecutable(`${d}/c/adir`, [], '/'), 126, /is a directory/);
});
