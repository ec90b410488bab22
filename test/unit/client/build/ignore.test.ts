// client/build/ignore.ts: Docker's .dockerignore semantics through @balena/dockerignore, table-driven.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIgnore } from '../../../../client/build/ignore.js';

const CASES: { patterns: string; ignored: string[]; kept: string[] }[] = [
  { patterns: '*.md\n!README.md', ignored: ['a.md'], kept: ['README.md', 'docs/a.md', 'a.txt'] },
  { patterns: '**/*.log', ignored: ['x.log', 'a/b/x.log'], kept: ['x.log.txt'] },
  { patterns: 'secret/', ignored: ['secret', 'secret/key', 'secret/a/b'], kept: ['secrets'] },
  { patterns: 'tmp\n!tmp/keep', ignored: ['tmp', 'tmp/x'], kept: ['tmp/keep'] },
  { patterns: '# comment\n\n/build\n./dist', ignored: ['build', 'build/x', 'dist/y'], kept: ['src/build'] },
  { patterns: '*\n!src\n!Containerfile', ignored: ['a', 'node_modules/x'], kept: ['src', 'src/a.c', 'Containerfile'] },
  { patterns: 'a?c\n[0-9]*', ignored: ['abc', '1x'], kept: ['ac', 'x1'] },
  { patterns: '!a\na', ignored: ['a'], kept: [] },
];

for (const c of CASES) {
  test(`ignore ${JSON.stringify(c.patterns)}`, () => {
    const m = parseIgnore(c.patterns);
    for (const p of c.ignored) assert.equal(m.ignores(p), true, `${p} should be ignored`);
    for (const p of c.kept) assert.equal(m.ignores(p), false, `${p} should be kept`);
  });
}

test('hasExceptions, and the context root is never ignored', () => {
  assert.equal(parseIgnore('a\n!b').hasExceptions, true);
  assert.equal(parseIgnore('a').hasExceptions, false);
  assert.equal(parseIgnore('*').ignores('.'), false);
});
