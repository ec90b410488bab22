// flattenLayers on temp dirs: char-device and xattr whiteouts delete files and whole directories below, an
// opaque dir hides the old contents, and no marker is left in the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenLayers, layerMarkers } from '../../../client/image/flatten.js';
import { mknodWhiteout, setXattr } from '../../../sys/xattr.js';

test('whiteouts and opaque dirs are applied while copying the layers', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'myctr-flatten-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [l1, l2, dest] = ['l1', 'l2', 'dest'].map((d) => join(root, d)) as [string, string, string];
  for (const d of ['a', 'd', 'gone']) mkdirSync(join(l1, d), { recursive: true });
  for (const f of ['a/x', 'a/y', 'd/k', 'f', 'gone/z']) writeFileSync(join(l1, f), f);
  mkdirSync(join(l2, 'a'), { recursive: true });
  mkdirSync(join(l2, 'd'));
  mknodWhiteout(join(l2, 'a', 'x'));
  mknodWhiteout(join(l2, 'gone'));
  writeFileSync(join(l2, 'f'), '');
  setXattr(join(l2, 'f'), 'user.overlay.whiteout', 'y');
  setXattr(join(l2, 'd'), 'user.overlay.opaque', 'y');
  writeFileSync(join(l2, 'd', 'new'), 'n');
  const m = layerMarkers(l2);
  assert.deepEqual({ whiteouts: [...m.whiteouts].sort(), opaque: m.opaque }, { whiteouts: ['a/x', 'f', 'gone'], opaque: ['d'] });
  mkdirSync(dest);
  flattenLayers([l1, l2], dest);
  assert.ok(!existsSync(join(dest, 'a', 'x')));
  assert.equal(readFileSync(join(dest, 'a', 'y'), 'utf8'), 'a/y');
  assert.ok(!existsSync(join(dest, 'f')));
  assert.ok(!existsSync(join(dest, 'gone')));
  assert.deepEqual(readdirSync(join(dest, 'd')), ['new']);
});
