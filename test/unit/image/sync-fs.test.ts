// Unit tests for client/image/sync-fs.ts: syncfs through `sync --file-system`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { syncFilesystem } from '../../../client/image/sync-fs.js';

it('syncs the filesystem of an existing directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-syncfs-'));
  try {
    await syncFilesystem(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('names the path when it cannot be opened', async () => {
  const missing = join(tmpdir(), 'myctr-syncfs-missing-dir');
  await assert.rejects(syncFilesystem(missing), (err: Error & { code?: string }) =>
    err.code === 'MYCTR_INTERNAL' && err.message.includes(missing));
});
