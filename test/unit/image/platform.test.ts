import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlatform, selectPlatform } from '../../../client/image/platform.js';

const entries = [
  { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
  { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  { digest: 'sha256:c', platform: { os: 'unknown', architecture: 'unknown' } },
];

test('parsePlatform', () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.throws(() => parsePlatform('amd64'), /invalid platform/);
  assert.throws(() => parsePlatform('a/b/c/d'), /invalid platform/);
});

test('selectPlatform picks os/arch, the variant only when asked, and lists what exists otherwise', () => {
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm64' }, 'x').digest, 'sha256:b');
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'amd64' }, 'x').digest, 'sha256:a');
  assert.throws(() => selectPlatform(entries, { os: 'linux', architecture: 'arm64', variant: 'v7' }, 'img'),
    (e: Error & { hint?: string }) => /img has no image for linux\/arm64\/v7/.test(e.message) && /linux\/amd64, linux\/arm64\/v8/.test(e.hint ?? ''));
});
