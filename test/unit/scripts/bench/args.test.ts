// Unit tests for the bench's command line (scripts/bench/args.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS, parseArgs } from '../../../../scripts/bench/args.js';

describe('bench parseArgs', () => {
  it('defaults to 20 runs after 2 warm-ups, all sections, a table', () => {
    assert.deepEqual(parseArgs([]), DEFAULTS);
    assert.equal(DEFAULTS.runs, 20);
    assert.equal(DEFAULTS.warmup, 2);
    assert.equal(parseArgs([]).only, undefined);
  });

  it('reads both option forms, repeated and comma-separated --only, and ignores bare --', () => {
    const o = parseArgs(['--runs', '5', '--', '--only', 'run', '--only=pull,run', '--format=json', '--mem-runs', '0']);
    assert.equal(o.runs, 5);
    assert.equal(o.memRuns, 0);
    assert.equal(o.format, 'json');
    assert.deepEqual(o.only, ['run', 'pull']);
  });

  it('rejects bad values and unknown options', () => {
    assert.throws(() => parseArgs(['--runs', '0']), /--runs needs an integer ≥ 1/);
    assert.throws(() => parseArgs(['--runs']), /--runs/);
    assert.throws(() => parseArgs(['--warmup', '-1']), /--warmup/);
    assert.throws(() => parseArgs(['--format', 'csv']), /table or json/);
    assert.throws(() => parseArgs(['--only']), /section name/);
    assert.throws(() => parseArgs(['--fast']), /unknown argument/);
  });
});
