// unpackFile (the job pull and load run per layer blob file, in-process as root or in the unpack worker): digests,
// sizes and compression of what it unpacked, and failures returned as data with the messages and hints the CLI
// prints (unsafe entries, the size limit, an empty or corrupt blob). Runs as any user in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildTar } from '../../../client/image/tar-writer.js';
import { unpackFile, type UnpackFileJob } from '../../../client/image/unpack-file.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function setup(t: { after(fn: () => void): void }, blob: Buffer): UnpackFileJob {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-unpack-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'blob'), blob);
  return { file: join(dir, 'blob'), dest: join(dir, 'diff'), hashBlob: true, limit: 1 << 20, label: 'layer' };
}

const tar = buildTar([
  { path: 'etc/', type: 'dir' }, { path: 'etc/hello', type: 'file', data: 'hi\n', mode: 0o640 },
  { path: 'bin/', type: 'dir' }, { path: 'bin/sh', type: 'symlink', linkpath: '/bin/busybox' },
]);

test('a gzip blob: the diff id and size are the plain tar\'s, the blob digest and size the file\'s', async (t) => {
  const gz = gzipSync(tar);
  const job = setup(t, gz);
  const r = await unpackFile(job, 'user', 'chardev');
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.diffId, sha(tar));
  assert.equal(r.size, tar.length);
  assert.equal(r.compression, 'gzip');
  assert.equal(r.blobDigest, sha(gz));
  assert.equal(r.blobSize, gz.length);
  assert.equal(r.done.entries, 4);
  assert.equal(readFileSync(join(job.dest, 'etc/hello'), 'utf8'), 'hi\n');
  assert.equal(readlinkSync(join(job.dest, 'bin/sh')), '/bin/busybox');
});

test('a plain tar is hashed once: its blob digest is its diff id; no blob digest when the caller verified it', async (t) => {
  const r = await unpackFile(setup(t, tar), 'user', 'chardev');
  assert.ok(r.ok);
  assert.equal(r.compression, 'none');
  assert.equal(r.blobDigest, sha(tar));
  assert.equal(r.diffId, sha(tar));
  const r2 = await unpackFile({ ...setup(t, gzipSync(tar)), hashBlob: false }, 'user', 'chardev');
  assert.ok(r2.ok);
  assert.equal(r2.blobDigest, undefined);
});

test('an entry that leaves the layer dir fails with the unsafe hint', async (t) => {
  const evil = buildTar([{ path: 'x', type: 'symlink', linkpath: '/etc' }, { path: 'x/passwd', type: 'file', data: 'x' }]);
  const r = await unpackFile(setup(t, gzipSync(evil)), 'user', 'chardev');
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.match(r.message, /^layer: unsafe archive entry `x\/passwd`: path goes through symlink/);
  assert.match(r.hint ?? '', /outside its root directory/);
});

test('the size limit stops a tar bomb', async (t) => {
  const big = buildTar([{ path: 'big', type: 'file', data: Buffer.alloc(200_000) }]);
  const r = await unpackFile({ ...setup(t, gzipSync(big)), limit: 100_000 }, 'user', 'chardev');
  assert.ok(!r.ok);
  assert.equal(r.code, 'MYCTR_IMAGE');
  assert.match(r.message, /size limit of 100000 bytes/);
  assert.match(r.hint ?? '', /MYCTR_MAX_LAYER_BYTES/);
});

test('an empty blob, a corrupt gzip stream and a doubly compressed one are refused', async (t) => {
  const empty = await unpackFile(setup(t, Buffer.alloc(0)), 'user', 'chardev');
  assert.ok(!empty.ok);
  assert.equal(empty.message, 'layer: the archive is empty');
  const gz = gzipSync(tar);
  const corrupt = await unpackFile(setup(t, Buffer.concat([gz.subarray(0, 20), Buffer.alloc(200, 7)])), 'user', 'chardev');
  assert.ok(!corrupt.ok);
  assert.match(corrupt.message, /^layer: read archive: /);
  const twice = await unpackFile(setup(t, gzipSync(gz)), 'user', 'chardev');
  assert.ok(!twice.ok);
  assert.match(twice.message, /compressed twice/);
});
