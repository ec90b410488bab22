// client/build/words.ts: variable substitution and quoting, table-driven.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processWord, processWords, splitAssignments } from '../../../../client/build/words.js';

const ENV: Record<string, string> = { A: 'a', EMPTY: '', SP: 'x y', HOME: '/root' };
const env = (n: string) => ENV[n];

const WORD: [string, string][] = [
  ['$A', 'a'], ['${A}', 'a'], ['${A}b', 'ab'], ['$Ab', ''], ['pre$A', 'prea'],
  ['${UNSET:-def}', 'def'], ['${EMPTY:-def}', 'def'], ['${EMPTY-def}', ''], ['${UNSET-def}', 'def'],
  ['${A:+set}', 'set'], ['${EMPTY:+set}', ''], ['${EMPTY+set}', 'set'], ['${UNSET+set}', ''],
  ['${UNSET:-${A}x}', 'ax'], ['\\$A', '$A'], ["'$A'", '$A'], ['"$A"', 'a'], ['"\\$A"', '$A'],
  ['"a \\" b"', 'a " b'], ['$', '$'], ['$1', '$1'], ['a\\ b', 'a b'], ['${UNSET:-a b}', 'a b'],
];

for (const [input, out] of WORD) {
  test(`processWord ${JSON.stringify(input)} → ${JSON.stringify(out)}`, () => {
    assert.equal(processWord(input, env), out);
  });
}

test('processWords splits on unquoted whitespace only (expansions are not re-split)', () => {
  assert.deepEqual(processWords('a "b c" $SP d\\ e', env), ['a', 'b c', 'x y', 'd e']);
  assert.deepEqual(processWords('""  x', env), ['', 'x']);
});

test('the backtick escape', () => {
  assert.equal(processWord('`$A', env, '`'), '$A');
  assert.equal(processWord('c:\\dir', env, '`'), 'c:\\dir');
});

test('errors: unclosed quote, bad substitution, :? on unset', () => {
  assert.throws(() => processWord('"abc', env), /double-quote/);
  assert.throws(() => processWord("'abc", env), /single-quote/);
  assert.throws(() => processWord('${', env), /bad substitution/);
  assert.throws(() => processWord('${UNSET:?needed}', env), /UNSET: needed/);
});

test('splitAssignments keeps raw values (quotes included) for later expansion', () => {
  assert.deepEqual(splitAssignments('A=1 B="x y" C', '\\'), [{ key: 'A', rawValue: '1' }, { key: 'B', rawValue: '"x y"' }, { key: 'C', rawValue: undefined }]);
});
