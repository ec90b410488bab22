// Unit tests for the argument parsing and file selection of scripts/run-tests.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, selectTestFiles } from '../../../scripts/run-tests.js';

describe('parseArgs', () => {
  it('defaults to concurrency 1 and keeps dirs in order', () => {
    assert.deepEqual(parseArgs(['test/unit', 'test/integration']), { dirs: ['test/unit', 'test/integration'], concurrency: 1 });
  });

  it('accepts both --concurrency forms', () => {
    assert.equal(parseArgs(['--concurrency', '4', 'a']).concurrency, 4);
    assert.equal(parseArgs(['a', '--concurrency=3']).concurrency, 3);
  });

  it('rejects bad input', () => {
    assert.throws(() => parseArgs([]), /no test directories/);
    assert.throws(() => parseArgs(['--concurrency', '0', 'a']), /positive integer/);
    assert.throws(() => parseArgs(['--concurrency']), /positive integer/);
    assert.throws(() => parseArgs(['--bail', 'a']), /unknown option/);
  });
});

describe('selectTestFiles', () => {
  const paths = ['test/unit/b.test.ts', 'test/unit/a.test.ts', 'test/unit/helper.ts', 'test/unit/x.test.ts.map', 'test/unit/a.test.ts'];

  it('keeps *.test.ts only, sorted and without duplicates', () => {
    assert.deepEqual(selectTestFiles(paths, undefined), ['test/unit/a.test.ts', 'test/unit/b.test.ts']);
  });

  it('narrows by a path substring', () => {
    assert.deepEqual(selectTestFiles(paths, 'b.test'), ['test/unit/b.test.ts']);
    assert.deepEqual(selectTestFiles(paths, 'nomatch'), []);
  });
});
