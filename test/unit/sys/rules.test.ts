// The STYLE §3.3 rules for sys/, checked on the source text (there is no linter): koffi stays in sys/,
// koffi.load and raw declarations stay in libc.ts, errno is read only in check.ts, and no `.async` calls but
// poll's (it has no per-thread state; sys/splice.ts waits in it on a worker thread).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers.js';

function sources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(REPO, dir), { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries.filter((f) => f.endsWith('.ts')).map((f) => join(REPO, dir, f));
}

const sysFiles = sources('sys');
const importsKoffi = (text: string): boolean =>
  /from ['"]koffi['"]|require\(['"]koffi['"]\)|import\(['"]koffi['"]\)/.test(text);
const rel = (f: string): string => relative(REPO, f);

test('only sys/ imports koffi', () => {
  const outside = ['client', 'helper', 'protocol', 'scripts', 'test'].flatMap(sources);
  assert.ok(outside.length > 0);
  assert.deepEqual(outside.filter((f) => importsKoffi(readFileSync(f, 'utf8'))).map(rel), []);
});

test('inside sys/, the koffi package is loaded by koffi.ts only, and used by libc.ts and check.ts only', () => {
  assert.ok(sysFiles.length >= 10);
  assert.deepEqual(sysFiles.filter((f) => importsKoffi(readFileSync(f, 'utf8'))).map(rel).sort(), ['sys/koffi.ts']);
  const usesLoader = (text: string): boolean => /from ['"]\.\/koffi\.js['"]/.test(text);
  assert.deepEqual(sysFiles.filter((f) => usesLoader(readFileSync(f, 'utf8'))).map(rel).sort(),
    ['sys/check.ts', 'sys/libc.ts']);
});

test('koffi.load is in libc.ts, koffi.errno() in check.ts, and nothing but poll is called with .async', () => {
  for (const f of sysFiles) {
    const text = readFileSync(f, 'utf8');
    const code = text.split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l)).join('\n');
    if (rel(f) !== 'sys/libc.ts') assert.doesNotMatch(code, /koffi\.load\(|\.func\(/, rel(f));
    if (rel(f) !== 'sys/check.ts') assert.doesNotMatch(code, /koffi\.errno\(/, rel(f));
    assert.doesNotMatch(code.replaceAll('libc.poll.async(', ''), /\.async\b/, rel(f));
    assert.doesNotMatch(code, /\bimport\(/, `${rel(f)}: no dynamic imports (runs after pivot_root)`);
    assert.doesNotMatch(code, /\bexport default\b/, `${rel(f)}: named exports only`);
    assert.match(text, /^\/\/ /, `${rel(f)}: starts with a // header`);
  }
});
