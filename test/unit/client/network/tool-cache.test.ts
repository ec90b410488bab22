// client/network/tool-cache.ts: a probe result is reused while the binary is unchanged, and probed again
// when the binary changes or the cache file is corrupt or holds something else.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryKey, cachedProbe } from '../../../../client/network/tool-cache.js';
import { makeTempDir } from '../../../support/tmp.js';

const dir = makeTempDir('myctr-toolcache-', { after });
const isInfo = (v: unknown): v is { path: string } => v !== null && typeof v === 'object' && typeof (v as { path?: unknown }).path === 'string';

test('reuses the result while the binary is unchanged, probes again when it changes', () => {
  const bin = join(dir, 'tool');
  const file = join(dir, 'net', 'tools.json');
  writeFileSync(bin, 'v1');
  let probes = 0;
  const probe = () => { probes++; return { path: bin, version: String(probes) }; };
  assert.deepEqual(cachedProbe(file, 'tool', bin, isInfo, probe), { path: bin, version: '1' });
  assert.deepEqual(cachedProbe(file, 'tool', bin, isInfo, probe), { path: bin, version: '1' });
  assert.equal(probes, 1);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  writeFileSync(bin, 'version 2'); // another size (and mtime): another binary
  assert.deepEqual(cachedProbe(file, 'tool', bin, isInfo, probe), { path: bin, version: '2' });
  assert.equal(probes, 2);
  // A second tool shares the file without evicting the first.
  cachedProbe(file, 'other', bin, isInfo, () => ({ path: 'x' }));
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort(), ['other', 'tool']);
});

test('a corrupt file or a value of the wrong shape means probing again', () => {
  const bin = join(dir, 'tool2');
  writeFileSync(bin, 'x');
  const file = join(dir, 'corrupt.json');
  writeFileSync(file, '{not json');
  assert.deepEqual(cachedProbe(file, 'tool', bin, isInfo, () => ({ path: 'fresh' })), { path: 'fresh' });
  writeFileSync(file, JSON.stringify({ tool: { key: binaryKey(bin), value: { nopath: true } } }));
  assert.deepEqual(cachedProbe(file, 'tool', bin, isInfo, () => ({ path: 'again' })), { path: 'again' });
});

test('a binary that cannot be stat\'ed is probed every time, nothing cached', () => {
  let n = 0;
  const file = join(dir, 'none.json');
  cachedProbe(file, 'gone', join(dir, 'missing'), isInfo, () => ({ path: String(++n) }));
  cachedProbe(file, 'gone', join(dir, 'missing'), isInfo, () => ({ path: String(++n) }));
  assert.equal(n, 2);
  assert.equal(binaryKey(join(dir, 'missing')), undefined);
});
