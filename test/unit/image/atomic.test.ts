// writeFileAtomic: content replaced whole, no temp file left, a failure leaves the old content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempPathFor, writeFileAtomic } from '../../../client/image/atomic.js';

test('writes, replaces, and leaves only the target', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'x.json');
  writeFileAtomic(p, '{"a":1}');
  assert.equal(readFileSync(p, 'utf8'), '{"a":1}');
  writeFileAtomic(p, Buffer.from('{"a":2}'), 0o600);
  assert.equal(readFileSync(p, 'utf8'), '{"a":2}');
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['x.json']);
});

test('temp names are hidden siblings that never look like records', () => {
  const tmp = tempPathFor('/s/images/abc.json');
  assert.match(tmp, /^\/s\/images\/\.abc\.json\.tmp-\d+-[0-9a-f]{8}$/);
});

test('a failing write throws and leaves nothing new', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => writeFileAtomic(join(dir, 'missing-dir', 'x.json'), 'x'), /ENOENT/);
  // rename onto a non-empty directory fails after the temp file was written: it must be removed again
  mkdirSync(join(dir, 'adir', 'sub'), { recursive: true });
  assert.throws(() => writeFileAtomic(join(dir, 'adir'), 'x'), /EISDIR|ENOTEMPTY|EEXIST/);
  assert.deepEqual(readdirSync(dir), ['adir']);
});
