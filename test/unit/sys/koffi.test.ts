// sys/koffi.ts: the native koffi module without the package entry (whose installer helpers load Node's TLS stack).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { koffi } from '../../../sys/koffi.js';

test('the loaded koffi is a working FFI', () => {
  const lib = koffi.load('libc.so.6');
  const getpid = lib.func('int getpid(void)') as () => number;
  assert.equal(getpid(), process.pid);
  assert.equal(typeof koffi.errno, 'function');
});

test('loading libc.ts does not load https or zlib', () => {
  // A fresh process, so that nothing else in this test process has loaded those modules already (tsx itself
  // loads crypto, so that one cannot be told apart here).
  const entry = fileURLToPath(new URL('../../../sys/libc.ts', import.meta.url)); // what the init loads
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `await import(${JSON.stringify(entry)}); console.log(JSON.stringify(process.moduleLoadList));`], { encoding: 'utf8' });
  const loaded = JSON.parse(out.trim().split('\n').pop()!) as string[];
  assert.ok(loaded.length > 0);
  for (const m of ['https', 'zlib']) assert.ok(!loaded.includes(`NativeModule ${m}`), `${m} was loaded`);
});
