// client/build/build-options.ts: `myctr build` flags → BuildOptions (Docker/Podman spellings).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toBuildOptions } from '../../../../client/build/build-options.js';

test('defaults', () => {
  const o = toBuildOptions('.', {});
  assert.deepEqual({ ...o, buildArgs: [...o.buildArgs], secrets: [...o.secrets] },
    { context: '.', tags: [], buildArgs: [], noCache: false, pull: 'missing', progress: 'plain', network: 'host', secrets: [] });
});

test('--build-arg NAME=value and NAME from the environment; later wins', () => {
  const o = toBuildOptions('.', { buildArg: ['A=1', 'B', 'A=2', 'C', 'E='] }, { B: 'fromenv' });
  assert.deepEqual([...o.buildArgs], [['A', '2'], ['B', 'fromenv'], ['E', '']]);
  assert.throws(() => toBuildOptions('.', { buildArg: ['=x'] }), /invalid --build-arg/);
});

test('--pull spellings, -q, --no-cache, --secret', () => {
  const table: [string | boolean | undefined, string][] = [[undefined, 'missing'], [true, 'always'], ['never', 'never'], ['false', 'never'], ['ALWAYS', 'always'], ['newer', 'missing']];
  for (const [pull, want] of table) assert.equal(toBuildOptions('.', pull === undefined ? {} : { pull }).pull, want);
  assert.throws(() => toBuildOptions('.', { pull: 'sometimes' }), /invalid --pull/);
  const o = toBuildOptions('-', { quiet: true, cache: false, secret: ['id=tok,src=/s'], tag: ['a', 'b:1'] });
  assert.deepEqual([o.progress, o.noCache, [...o.secrets], o.tags], ['quiet', true, [['tok', '/s']], ['a', 'b:1']]);
  assert.throws(() => toBuildOptions('.', { secret: ['src=/s'] }), /invalid --secret/);
  assert.throws(() => toBuildOptions('.', { network: 'bridge' }), /invalid --network/);
});

test('--platform is normalised and checked; --tls-verify passes through', () => {
  const o = toBuildOptions('.', { platform: 'linux/arm64/v8', tlsVerify: false });
  assert.deepEqual([o.platform, o.tlsVerify], ['linux/arm64/v8', false]);
  assert.equal('platform' in toBuildOptions('.', {}), false);
  assert.throws(() => toBuildOptions('.', { platform: 'arm64' }), /invalid platform `arm64`/);
});
