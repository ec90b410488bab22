// Unit tests for the pure statistics helpers of the bench (scripts/bench/stats.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, quantile, quantileSorted, ratio, summarize } from '../../../../scripts/bench/stats.js';

describe('quantile', () => {
  it('interpolates linearly between ranks (type 7)', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([10, 20, 30, 40, 50], 0.9), 46);
    assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  });

  it('sorts unsorted input and handles one sample', () => {
    assert.equal(quantile([5, 1, 3], 0.5), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(quantile([7], 0.9), 7);
  });

  it('rejects empty samples and q outside [0, 1]', () => {
    assert.throws(() => quantile([], 0.5), RangeError);
    assert.throws(() => quantile([1], 1.5), RangeError);
    assert.throws(() => quantile([1], Number.NaN), RangeError);
  });
});

describe('summarize', () => {
  it('gives min, median, p90, max, mean and the sample standard deviation', () => {
    const s = summarize([4, 2, 8, 6, 10, 1, 3, 5, 7, 9]);
    assert.equal(s.n, 10);
    assert.equal(s.min, 1);
    assert.equal(s.max, 10);
    assert.equal(s.median, 5.5);
    assert.ok(Math.abs(s.p90 - 9.1) < 1e-9);
    assert.equal(s.mean, 5.5);
    assert.ok(Math.abs(s.stdev - Math.sqrt(82.5 / 9)) < 1e-9);
  });

  it('does not modify its input and has stdev 0 for one sample', () => {
    const input = [3, 1, 2];
    summarize(input);
    assert.deepEqual(input, [3, 1, 2]);
    assert.equal(summarize([42]).stdev, 0);
  });
});

describe('ratio', () => {
  it('divides, or is undefined without a positive baseline', () => {
    assert.equal(ratio(50, 200), 0.25);
    assert.equal(ratio(undefined, 200), undefined);
    assert.equal(ratio(50, undefined), undefined);
    assert.equal(ratio(50, 0), undefined);
  });
});
