// client/runtime/supervisor/config.ts and flags.ts: restart policies, sizes, log options, signals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRestartWithRm, DEFAULT_LIFECYCLE, lifecycleConfig, parseLogOpts, parseRestart, parseSignal, parseSize } from '../../../../../client/runtime/supervisor/config.js';
import { toLifecycleOptions } from '../../../../../client/runtime/supervisor/flags.js';

test('restart policies as Docker spells them', () => {
  assert.deepEqual(parseRestart(undefined), { policy: 'no', maxRetries: 0 });
  assert.deepEqual(parseRestart('no'), { policy: 'no', maxRetries: 0 });
  assert.deepEqual(parseRestart('on-failure'), { policy: 'on-failure', maxRetries: 0 });
  assert.deepEqual(parseRestart('on-failure:3'), { policy: 'on-failure', maxRetries: 3 });
  assert.deepEqual(parseRestart('always'), { policy: 'always', maxRetries: 0 });
  assert.deepEqual(parseRestart('unless-stopped'), { policy: 'unless-stopped', maxRetries: 0 });
  for (const bad of ['sometimes', 'always:3', 'on-failure:x', '']) {
    assert.throws(() => parseRestart(bad), { code: 'MYCTR_USAGE' }, bad);
  }
});

test('sizes: bytes, k, m, g', () => {
  assert.equal(parseSize('100', 'x'), 100);
  assert.equal(parseSize('2k', 'x'), 2048);
  assert.equal(parseSize('10m', 'x'), 10 * 1024 * 1024);
  assert.equal(parseSize('1g', 'x'), 1024 ** 3);
  assert.equal(parseSize('1.5k', 'x'), 1536);
  assert.throws(() => parseSize('ten', '--log-opt max-size'), /invalid size `ten` for --log-opt max-size/);
});

test('log options: max-size and max-file, others refused', () => {
  assert.deepEqual(parseLogOpts([]), { maxSize: 0, maxFile: 1 });
  assert.deepEqual(parseLogOpts(['max-size=1m', 'max-file=3']), { maxSize: 1024 * 1024, maxFile: 3 });
  assert.throws(() => parseLogOpts(['max-file=0']), { code: 'MYCTR_USAGE' });
  assert.throws(() => parseLogOpts(['compress=true']), /unsupported --log-opt `compress=true`/);
});

test('signals by name, with or without SIG, or by number', () => {
  assert.equal(parseSignal('TERM'), 'SIGTERM');
  assert.equal(parseSignal('sigkill'), 'SIGKILL');
  assert.equal(parseSignal('1'), 'SIGHUP');
  assert.equal(parseSignal('9'), 'SIGKILL');
  assert.throws(() => parseSignal('NOPE'), { code: 'MYCTR_USAGE' });
  assert.throws(() => parseSignal('999'), { code: 'MYCTR_USAGE' });
});

test('run/create flags → lifecycle options', () => {
  assert.deepEqual(toLifecycleOptions({ restart: 'always', logOpt: ['max-size=1k'], stopSignal: 'INT', stopTimeout: '3', init: true }), {
    restart: { policy: 'always', maxRetries: 0 }, log: { maxSize: 1024, maxFile: 1 }, stopSignal: 'SIGINT', stopTimeout: 3, init: true,
  });
  assert.throws(() => toLifecycleOptions({ stopTimeout: '-1' }), /invalid --stop-timeout/);
});

test('lifecycleConfig: the flags, else the image\'s STOPSIGNAL, else the defaults; the init path when given', () => {
  assert.deepEqual(lifecycleConfig({}, undefined, undefined), DEFAULT_LIFECYCLE);
  assert.deepEqual(lifecycleConfig({}, 'SIGQUIT', undefined).stopSignal, 'SIGQUIT');
  const lc = lifecycleConfig({ restart: { policy: 'always', maxRetries: 0 }, log: { maxSize: 1024, maxFile: 2 }, stopSignal: 'HUP', stopTimeout: 3 }, 'SIGQUIT', '/usr/bin/tini-static');
  assert.deepEqual(lc, { restart: { policy: 'always', maxRetries: 0 }, log: { maxSize: 1024, maxFile: 2 }, stopSignal: 'SIGHUP', stopTimeout: 3, init: '/usr/bin/tini-static' });
});

test('checkRestartWithRm: a policy with --rm is refused, as Docker does; no policy or no --rm is fine', () => {
  assert.throws(() => checkRestartWithRm({ policy: 'on-failure', maxRetries: 2 }, true), /conflicting options: --restart and --rm/);
  assert.doesNotThrow(() => checkRestartWithRm({ policy: 'no', maxRetries: 0 }, true));
  assert.doesNotThrow(() => checkRestartWithRm(undefined, true));
  assert.doesNotThrow(() => checkRestartWithRm({ policy: 'always', maxRetries: 0 }, false));
});
