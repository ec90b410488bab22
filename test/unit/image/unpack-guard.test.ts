// PathGuard: the path-safety filter of layer extraction, as a table of archives (entry sequences).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEntryPath, PathGuard, UnsafeEntryError, type GuardEntry } from '../../../client/image/unpack-guard.js';

const f = (path: string): GuardEntry => ({ path, type: 'File' });
const d = (path: string): GuardEntry => ({ path, type: 'Directory' });
const sl = (path: string, linkpath: string): GuardEntry => ({ path, type: 'SymbolicLink', linkpath });
const hl = (path: string, linkpath: string): GuardEntry => ({ path, type: 'Link', linkpath });

test('normalizeEntryPath', () => {
  assert.deepEqual(normalizeEntryPath('./a//b/./c/'), { path: 'a/b/c' });
  assert.deepEqual(normalizeEntryPath('./'), { path: '.' });
  assert.deepEqual(normalizeEntryPath('/etc/passwd'), { error: 'absolute path' });
  assert.deepEqual(normalizeEntryPath('a/../../b'), { error: 'path contains `..`' });
  assert.deepEqual(normalizeEntryPath(''), { error: 'empty path' });
});

const SAFE: [string, GuardEntry[]][] = [
  ['plain tree', [d('./'), d('etc/'), f('etc/passwd'), f('usr/bin/x')]],
  ['absolute symlink target is stored, not followed', [sl('etc/localtime', '/usr/share/zoneinfo/UTC')]],
  ['relative symlink target with ..', [sl('usr/bin/sh', '../../bin/busybox')]],
  ['usrmerge symlinks', [sl('bin', 'usr/bin'), sl('lib64/ld.so', '/lib/x86_64-linux-gnu/ld.so'), f('usr/bin/ls')]],
  ['hardlink to an earlier file', [f('a'), hl('b', 'a'), hl('c', './a')]],
  ['hardlink to a symlink (link(2) does not follow)', [sl('s', '/etc'), hl('t', 's')]],
  ['symlink replaced by a directory, then used', [sl('x', '/etc'), d('x'), f('x/passwd')]],
  ['device nodes pass the guard (the worker skips them)', [{ path: 'dev/null', type: 'CharacterDevice' }]],
];

test('safe archives pass', () => {
  for (const [what, entries] of SAFE) {
    const g = new PathGuard();
    for (const e of entries) assert.doesNotThrow(() => g.check(e), what);
  }
});

const UNSAFE: [string, GuardEntry[], RegExp][] = [
  ['../evil', [f('../evil')], /`\.\.`/],
  ['nested ..', [f('a/../../evil')], /`\.\.`/],
  ['/abs', [f('/abs')], /absolute/],
  ['symlink x -> /etc then x/passwd', [sl('x', '/etc'), f('x/passwd')], /through symlink `x`/],
  ['symlink then a dir below it', [sl('x', '.'), d('x/y')], /through symlink/],
  ['deep write through a symlinked parent', [d('a'), sl('a/b', '/'), f('a/b/c/d')], /through symlink `a\/b`/],
  ['file used as a directory', [f('a'), f('a/b')], /non-directory `a`/],
  ['hardlink to an absolute path', [hl('l', '/etc/passwd')], /absolute/],
  ['hardlink with ..', [hl('l', '../x')], /`\.\.`/],
  ['hardlink through a symlink', [sl('x', '/etc'), hl('l', 'x/passwd')], /through symlink/],
  ['hardlink to a missing entry', [hl('l', 'nothing')], /not in the archive/],
  ['hardlink to a directory', [d('dir'), hl('l', 'dir')], /directory/],
  ['root replaced by a symlink', [sl('./', '/')], /root/],
];

test('unsafe archives are refused with the offending entry and reason', () => {
  for (const [what, entries, why] of UNSAFE) {
    const g = new PathGuard();
    const last = entries.length - 1;
    entries.slice(0, last).forEach((e) => g.check(e));
    assert.throws(() => g.check(entries[last]!), (err: unknown) => {
      assert.ok(err instanceof UnsafeEntryError, what);
      assert.match(err.message, why, what);
      assert.match(err.message, /^unsafe archive entry `/, what);
      return true;
    }, what);
  }
});
