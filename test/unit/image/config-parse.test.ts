import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageConfig } from '../../../client/image/config-parse.js';

const D = `sha256:${'a'.repeat(64)}`;

test('a valid config keeps unknown and Docker-only fields', () => {
  const c = parseImageConfig(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [D] },
    config: { Healthcheck: { Test: ['NONE'] }, Shell: ['/bin/bash', '-c'] }, extra: 1 }));
  assert.deepEqual(c.rootfs.diff_ids, [D]);
  assert.deepEqual(c.config?.Shell, ['/bin/bash', '-c']);
});

for (const [name, text, why] of [
  ['not JSON', '{', /malformed image config/],
  ['an array', '[]', /not a JSON object/],
  ['no architecture', JSON.stringify({ os: 'linux', rootfs: { diff_ids: [] } }), /architecture/],
  ['no os', JSON.stringify({ architecture: 'amd64', rootfs: { diff_ids: [] } }), /`os`/],
  ['bad diff id', JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { diff_ids: ['sha256:zz'] } }), /diff_ids/],
  ['config not an object', JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { diff_ids: [] }, config: [1] }), /`config`/],
] as const) {
  test(`refuses ${name}`, () => {
    assert.throws(() => parseImageConfig(text), (e: Error & { code?: string; hint?: string }) => e.code === 'MYCTR_IMAGE' && why.test(e.message) && !!e.hint);
  });
}
