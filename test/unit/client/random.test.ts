// client/random.ts: random bytes from /dev/urandom, without node:crypto (whose load `myctr run` avoids).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { randomBytes } from '../../../client/random.js';

test('randomBytes gives n bytes, different each time', () => {
  for (const n of [0, 1, 4, 32, 4096]) assert.equal(randomBytes(n).length, n);
  const seen = new Set(Array.from({ length: 50 }, () => randomBytes(16).toString('hex')));
  assert.equal(seen.size, 50);
  // 32 bytes are not all zero (a read that returned nothing would leave the buffer zeroed).
  assert.ok(randomBytes(32).some((b) => b !== 0));
});

test('loading it and drawing bytes does not load node:crypto', () => {
  // Plain node, not tsx (which loads node:crypto itself): the module compiled to JavaScript, then run.
  const source = fileURLToPath(new URL('../../../client/random.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'myctr-random-'));
  try {
    writeFileSync(join(dir, 'random.mjs'), transformSync(readFileSync(source, 'utf8'), { loader: 'ts', format: 'esm' }).code);
    const script = `import { randomBytes } from ${JSON.stringify(join(dir, 'random.mjs'))}; console.log(randomBytes(8).length);
      console.log(process.moduleLoadList.filter((m) => m.includes('crypto')).join(','));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [length, crypto] = r.stdout.split('\n');
    assert.equal(length, '8');
    assert.doesNotMatch(crypto ?? '', /NativeModule crypto|internal\/crypto\/random/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
