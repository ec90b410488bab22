// `myctr load`: an archive (myctr, OCI layout, docker save; plain or compressed; file or stdin) → images in the
// store. Layers the store already has are not unpacked again. Any failure removes every tmp dir: nothing is left.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { log } from '../log.js';
import { MyctrError, messageOf } from '../runtime/errors.js';
import { removeTree } from '../runtime/userns-run.js';
import { readArchive } from './archive-read.js';
import { detectFormat, readDocker, readMyctr, readOci, type ArchiveFormat, type ArchiveImage } from './archive-formats.js';
import { unpackBlobFileToTmp } from './layer-unpack.js';
import { forEachLimited } from './parallel.js';
import type { Platform } from './platform.js';
import { remoteName } from './reference.js';
import type { ImageRecord, ImageStore, PendingLayer } from './store.js';
import { startUnpackService, type LayerUnpackService } from './unpack-service.js';

export interface LoadResult { format: ArchiveFormat; images: ImageRecord[]; warnings: string[] }

export async function loadArchive(store: ImageStore, file: string, opts: { platform?: Platform } = {}): Promise<LoadResult> {
  const input: Readable = file === '-' ? process.stdin : createReadStream(file);
  await store.sweepTmp();
  const work = store.createLayerTmp();
  const pending: PendingLayer[] = [];
  // Started first, so that a rootless worker's start-up overlaps reading the archive.
  const unpacker = startUnpackService();
  try {
    const archive = await readArchive(input, join(work, 'archive'));
    const format = detectFormat(archive);
    if (!format) {
      throw new MyctrError('MYCTR_IMAGE', 'load: not an image archive (no metadata.json, index.json + oci-layout, or manifest.json)',
        { hint: 'for a plain rootfs tarball use `myctr import`' });
    }
    const images = format === 'myctr' ? await readMyctr(archive) : format === 'oci-archive' ? await readOci(archive, opts.platform) : await readDocker(archive);
    const out: ImageRecord[] = [];
    const warnings: string[] = [];
    for (const img of images) out.push(await loadOne(store, unpacker, img, pending, warnings));
    await unpacker.close();
    return { format, images: out, warnings };
  } catch (err) {
    input.destroy();
    await unpacker.close();
    for (const p of pending) await removeTree(p.tmpDir);
    if (err instanceof MyctrError) throw err;
    throw new MyctrError('MYCTR_IMAGE', `load: ${messageOf(err)}`, { cause: err });
  } finally {
    await removeTree(work);
  }
}

const PARALLEL = 3;

async function loadOne(store: ImageStore, unpacker: LayerUnpackService, img: ArchiveImage, pending: PendingLayer[], warnings: string[]): Promise<ImageRecord> {
  // Layers the store (or this load) has already are not unpacked again; the rest unpack three at a time.
  const todo = img.layers.filter((l, i) => !store.layer(l.diffId) && !pending.some((p) => p.diffId === l.diffId)
    && img.layers.findIndex((x) => x.diffId === l.diffId) === i);
  await forEachLimited(todo, PARALLEL, async (l) => {
    const u = await unpackBlobFileToTmp(store, unpacker, l.file, { expectDiffId: l.diffId });
    pending.push(u);
    if (u.warning) warnings.push(u.warning);
  });
  const layers = img.layers.map((l) => pending.find((p) => p.diffId === l.diffId) ?? { diffId: l.diffId });
  const names = img.names.map((n) => remoteName(n));
  const rec = await store.commitConfig({ layers, configJson: img.configJson, names });
  // Committed layers belong to the store now; only uncommitted ones are removed on a later failure.
  for (const l of layers) {
    const i = pending.indexOf(l as PendingLayer);
    if (i >= 0) pending.splice(i, 1);
  }
  log.debug({ image: rec.id, layers: layers.length }, 'image loaded');
  return rec;
}
