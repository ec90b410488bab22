// client/storage/remove.ts: `rm -rf` without fs.rmSync, for the record of a `run --rm`.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { removeSync } from '../../../../client/storage/remove.js';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'myctr-remove-'));
}

test('removes a tree of files, directories and symbolic links, without following the links', (t) => {
  const root = scratch();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'keep'), 'x');
  const tree = join(root, 'tree');
  mkdirSync(join(tree, 'a', 'b', 'c'), { recursive: true });
  writeFileSync(join(tree, 'a', 'b', 'file'), 'x');
  writeFileSync(join(tree, 'top'), 'x');
  symlinkSync(outside, join(tree, 'a', 'link-to-dir'));
  symlinkSync('/nonexistent', join(tree, 'dangling'));
  removeSync(tree);
  assert.equal(existsSync(tree), false);
  assert.deepEqual(readdirSync(outside), ['keep']);
});

test('a symbolic link given as the path is removed, not its target', (t) => {
  const root = scratch();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'target'));
  writeFileSync(join(root, 'target', 'keep'), 'x');
  symlinkSync(join(root, 'target'), join(root, 'link'));
  removeSync(join(root, 'link'));
  assert.deepEqual(readdirSync(root), ['target']);
  assert.deepEqual(readdirSync(join(root, 'target')), ['keep']);
});

test('a file, and a missing path, are fine', (t) => {
  const root = scratch();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'file'), 'x');
  removeSync(join(root, 'file'));
  removeSync(join(root, 'missing'));
  removeSync(join(root, 'missing', 'deeper'));
  assert.deepEqual(readdirSync(root), []);
});

test('an empty directory that cannot be read (overlayfs leaves work/work mode 000) is removed', (t) => {
  const root = scratch();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'work', 'work'), { recursive: true });
  chmodSync(join(root, 'work', 'work'), 0o000);
  removeSync(join(root, 'work'));
  assert.equal(existsSync(join(root, 'work')), false);
});

test('a non-empty directory it cannot read fails with EACCES (the caller falls back), unless root', (t) => {
  const root = scratch();
  t.after(() => { chmodSync(join(root, 'locked'), 0o700); rmSync(root, { recursive: true, force: true }); });
  mkdirSync(join(root, 'locked'));
  writeFileSync(join(root, 'locked', 'file'), 'x');
  chmodSync(join(root, 'locked'), 0o000);
  if (process.geteuid?.() === 0) {
    removeSync(join(root, 'locked')); // root reads any directory
    assert.equal(existsSync(join(root, 'locked')), false);
    mkdirSync(join(root, 'locked')); // for t.after
  } else {
    assert.throws(() => removeSync(join(root, 'locked')), (err: NodeJS.ErrnoException) => err.code === 'EACCES');
  }
});
