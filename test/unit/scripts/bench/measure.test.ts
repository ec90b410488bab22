// Unit tests for the pure parts of scripts/bench/measure.ts: failure messages and the environment scrub.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureOf, isScrubbedEnv, lastLine } from '../../../../scripts/bench/measure.js';

describe('lastLine', () => {
  it('prefers the error line over a stack trace and Node\'s version footer', () => {
    const crash = ['file:///x/main.js:3', '  throw new Error("boom")', 'Error: boom', '    at main (x.js:1:1)', '', 'Node.js v20.20.2', ''].join('\n');
    assert.equal(lastLine(crash), 'Error: boom');
    assert.equal(lastLine('myctr: image not found\nhint: run bootstrap\n'), 'myctr: image not found');
    assert.equal(lastLine('some warning\nlast words\n'), 'last words');
    assert.equal(lastLine(''), '');
  });
});

describe('failureOf', () => {
  it('is undefined for exit 0 and names the status or signal otherwise', () => {
    assert.equal(failureOf({ ms: 1, code: 0, signal: null, stderr: 'noise' }), undefined);
    assert.equal(failureOf({ ms: 1, code: 125, signal: null, stderr: 'myctr: no\n' }), 'exit status 125: myctr: no');
    assert.equal(failureOf({ ms: 1, code: null, signal: 'SIGKILL', stderr: '' }), 'killed by SIGKILL');
  });
});

describe('isScrubbedEnv', () => {
  it('drops Node start-up options and npm noise only', () => {
    assert.ok(isScrubbedEnv('NODE_EXTRA_CA_CERTS'));
    assert.ok(isScrubbedEnv('NODE_OPTIONS'));
    assert.ok(isScrubbedEnv('npm_lifecycle_event'));
    assert.ok(!isScrubbedEnv('PATH'));
    assert.ok(!isScrubbedEnv('MYCTR_ROOT'));
    assert.ok(!isScrubbedEnv('XDG_RUNTIME_DIR'));
  });
});
