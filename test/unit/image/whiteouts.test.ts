// parseWhiteout (pure) and applyWhiteouts on a temp dir: 0/0 char devices by default, xattr whiteouts (regular
// file + `<p>.overlay.whiteout`, parent `<p>.overlay.opaque=x`) when asked, opaque dirs `=y`, nothing inside them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyWhiteouts, parseWhiteout } from '../../../client/image/whiteouts.js';
import { getXattr } from '../../../sys/xattr.js';

test('parseWhiteout classifies .wh. entries', () => {
  assert.deepEqual(parseWhiteout('a/b/.wh.c'), { kind: 'whiteout', dir: 'a/b', name: 'c' });
  assert.deepEqual(parseWhiteout('.wh.top'), { kind: 'whiteout', dir: '.', name: 'top' });
  assert.deepEqual(parseWhiteout('d/.wh..wh..opq'), { kind: 'opaque', dir: 'd' });
  assert.equal(parseWhiteout('a/b/c'), undefined);
  assert.equal(parseWhiteout('a/.wh.'), undefined);
  assert.equal(parseWhiteout('a/.wh...'), undefined);
  assert.equal(parseWhiteout('a/.wh..wh.other'), undefined);
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'myctr-wh-unit-'));
}

test('char device whiteouts and an opaque dir', (t) => {
  const root = tmp();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'd'));
  const s = applyWhiteouts(root, [
    { kind: 'whiteout', dir: 'a', name: 'x' }, { kind: 'opaque', dir: 'd' }, { kind: 'whiteout', dir: 'd', name: 'skipped' },
  ], 'user', 'chardev');
  const st = lstatSync(join(root, 'a', 'x'));
  assert.ok(st.isCharacterDevice() && st.rdev === 0, 'a 0/0 char device');
  assert.equal(getXattr(join(root, 'd'), 'user.overlay.opaque'), 'y');
  assert.throws(() => lstatSync(join(root, 'd', 'skipped')), /ENOENT/, 'nothing is needed inside an opaque dir');
  assert.deepEqual(s, { whiteouts: 1, opaque: 1, format: 'chardev' });
});

test('xattr whiteouts', (t) => {
  const root = tmp();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'a'));
  writeFileSync(join(root, 'a', 'kept'), 'k');
  applyWhiteouts(root, [{ kind: 'whiteout', dir: 'a', name: 'x' }, { kind: 'whiteout', dir: 'a', name: 'kept' }], 'user', 'xattr');
  const st = lstatSync(join(root, 'a', 'x'));
  assert.ok(st.isFile() && st.size === 0);
  assert.equal(getXattr(join(root, 'a', 'x'), 'user.overlay.whiteout'), 'y');
  assert.equal(getXattr(join(root, 'a'), 'user.overlay.opaque'), 'x');
  assert.equal(getXattr(join(root, 'a', 'kept'), 'user.overlay.whiteout'), undefined, 'a name the layer re-created is left alone');
});
