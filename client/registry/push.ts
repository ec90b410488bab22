// `myctr push`: each layer blob (as stored, so its digest is the one a pull produced) and the config blob are
// uploaded unless the registry has them (HEAD → 200 skips); monolithic PUT, or PATCH chunks then PUT when a
// chunk size is set; then the manifest (OCI, or Docker v2 schema 2) is PUT under the tag.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { log } from '../log.js';
import { MEDIA } from '../image/archive-formats.js';
import { sha256Hex } from '../image/config.js';
import { formatWarnings, layerMediaType } from '../image/media-types.js';
import type { ImageRecord, ImageStore } from '../image/store.js';
import { MyctrError } from '../runtime/errors.js';
import { expectOk, RegistryError, type RegistryClient } from './client.js';
import { ProgressBoard } from './progress-board.js';
import type { RemoteTarget } from './target.js';

export interface PushOptions { format?: 'oci' | 'v2s2'; chunkSize?: number | undefined }
export interface PushResult { digest: string; uploaded: number; skipped: number; warnings: string[] }

interface Blob { digest: string; size: number; mediaType: string; open(start?: number, end?: number): Readable }

export async function pushImage(store: ImageStore, img: ImageRecord, client: RegistryClient, target: RemoteTarget, opts: PushOptions = {}): Promise<PushResult> {
  const style = opts.format === 'v2s2' ? 'docker' : 'oci';
  const configJson = store.configJson(img.id);
  const layers: Blob[] = img.layers.map((diffId) => {
    const rec = store.layer(diffId);
    const path = store.blobPath(diffId);
    if (!rec?.blob || !path) throw new MyctrError('MYCTR_IMAGE', `layer \`${diffId}\` has no stored blob`, { hint: 'pull or import the image again' });
    const b = rec.blob;
    return { digest: b.digest, size: b.size, mediaType: layerMediaType(b.compression, style), open: (s, e) => createReadStream(path, s === undefined ? {} : { start: s, end: e! }) };
  });
  const cfgBuf = Buffer.from(configJson);
  const config: Blob = {
    digest: `sha256:${img.id}`, size: cfgBuf.length, mediaType: style === 'oci' ? MEDIA.ociConfig : MEDIA.dockerConfig,
    open: (s, e) => Readable.from([cfgBuf.subarray(s ?? 0, e === undefined ? undefined : e + 1)]),
  };
  await client.ensureAuth();
  const board = new ProgressBoard();
  let uploaded = 0;
  let skipped = 0;
  const seen = new Set<string>();
  for (const b of [...layers, config]) {
    if (seen.has(b.digest)) continue;
    seen.add(b.digest);
    const row = board.add(b.digest.slice(7, 19), 'checking');
    if (await blobExists(client, b.digest)) {
      skipped++;
      board.finish(row, 'already exists, skipped');
      continue;
    }
    await uploadBlob(client, b, opts.chunkSize, (n) => board.bytes(row, n, b.size));
    uploaded++;
    board.finish(row, 'uploaded');
  }
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: style === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  });
  const res = await client.request('PUT', `/manifests/${target.ref}`, {
    headers: { 'content-type': style === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest }, body: manifest,
  });
  await expectOk(res, `put manifest \`${target.repository}:${target.ref}\``, client.opts.registry);
  const digest = `sha256:${sha256Hex(manifest)}`;
  log.debug({ digest, uploaded, skipped }, 'image pushed');
  return { digest, uploaded, skipped, warnings: formatWarnings(style === 'oci' ? 'oci' : 'docker-archive', img.config) };
}

async function blobExists(client: RegistryClient, digest: string): Promise<boolean> {
  const res = await client.request('HEAD', `/blobs/${digest}`);
  await res.body?.cancel();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new RegistryError(`${client.opts.registry}: check blob \`${digest}\`: HTTP ${res.status}`, res.status);
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

async function uploadBlob(client: RegistryClient, b: Blob, chunkSize: number | undefined, onBytes: (n: number) => void): Promise<void> {
  const start = await client.request('POST', '/blobs/uploads/');
  await expectOk(start, `start upload of \`${b.digest}\``, client.opts.registry);
  await start.body?.cancel();
  let location = start.headers.get('location');
  if (!location) throw new RegistryError(`${client.opts.registry}: upload start without a Location`);
  location = new URL(location, client.base).toString();
  if (chunkSize === undefined || b.size <= chunkSize) {
    const res = await client.request('PUT', withDigest(location, b.digest), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(b.size) },
      body: Readable.toWeb(counting(b.open(), onBytes)) as ReadableStream, duplex: 'half',
    });
    await expectOk(res, `upload \`${b.digest}\``, client.opts.registry);
    await res.body?.cancel();
    return;
  }
  let sent = 0;
  while (sent < b.size) {
    const end = Math.min(b.size, sent + chunkSize) - 1;
    const res = await client.request('PATCH', location, {
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${sent}-${end}`, 'content-length': String(end - sent + 1) },
      body: Readable.toWeb(b.open(sent, end)) as ReadableStream, duplex: 'half',
    });
    await expectOk(res, `upload chunk ${sent}-${end} of \`${b.digest}\``, client.opts.registry);
    await res.body?.cancel();
    location = new URL(res.headers.get('location') ?? location, client.base).toString();
    sent = end + 1;
    onBytes(sent);
  }
  const res = await client.request('PUT', withDigest(location, b.digest), { headers: { 'content-length': '0' } });
  await expectOk(res, `finish upload of \`${b.digest}\``, client.opts.registry);
  await res.body?.cancel();
}

function counting(src: Readable, onBytes: (n: number) => void): Readable {
  let n = 0;
  src.on('data', (c: Buffer) => { n += c.length; onBytes(n); });
  return src;
}
