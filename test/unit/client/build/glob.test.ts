// client/build/glob.ts: Go filepath.Match per path component (COPY/ADD source patterns).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { componentRegExp, hasWildcard } from '../../../../client/build/glob.js';

const TABLE: [string, string, boolean][] = [
  ['*.txt', 'a.txt', true], ['*.txt', '.txt', true], ['*.txt', 'a.txt.bak', false], ['a?c', 'abc', true],
  ['a?c', 'ac', false], ['[a-c]x', 'bx', true], ['[^a-c]x', 'bx', false], ['[^a-c]x', 'dx', true],
  ['\\*', '*', true], ['\\*', 'a', false], ['file.1', 'file.1', true], ['file.1', 'fileX1', false],
];

for (const [pattern, name, match] of TABLE) {
  test(`${pattern} ${match ? 'matches' : 'does not match'} ${name}`, () => {
    assert.equal(componentRegExp(pattern).test(name), match);
  });
}

test('hasWildcard ignores escaped characters', () => {
  assert.deepEqual(['a*', 'a\\*', 'x[1]', 'plain'].map(hasWildcard), [true, false, true, false]);
});
