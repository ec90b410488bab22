// client/build/base-image.ts: the --pull decision and which references a registry can give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPullable, pullDecision } from '../../../../client/build/base-image.js';

test('pullDecision: always re-resolves what a registry has; missing pulls only when absent; never never pulls', () => {
  const table: [Parameters<typeof pullDecision>, string][] = [
    [['always', true, true], 'pull'], [['always', false, true], 'pull'], [['always', true, false], 'local'], [['always', false, false], 'missing'],
    [['missing', true, true], 'local'], [['missing', false, true], 'pull'], [['missing', false, false], 'missing'],
    [['never', true, true], 'local'], [['never', false, true], 'missing'], [['never', false, false], 'missing'],
  ];
  for (const [args, want] of table) assert.equal(pullDecision(...args), want, JSON.stringify(args));
});

test('isPullable: registry names yes; localhost/, ids, short names the store has under localhost/ and stored digests no', () => {
  const local = new Set(['localhost/busybox:latest', 'localhost/app:1']);
  const digest = `sha256:${'a'.repeat(64)}`;
  const table: [string, boolean, boolean][] = [
    ['127.0.0.1:5000/x:1', false, true], ['alpine:3.20', false, true], ['docker.io/library/busybox', false, true],
    ['busybox', false, false], ['app:1', false, false], ['app:2', false, true], ['localhost/anything:1', false, false],
    ['a'.repeat(64), false, false], [digest, false, false],
    [`alpine@${digest}`, true, false], [`alpine@${digest}`, false, true], ['Not_A_Ref!', false, false],
  ];
  for (const [ref, hasDigest, want] of table) assert.equal(isPullable(ref, local, hasDigest), want, ref);
});
