// `myctr pull`: manifest (through an index for the platform) → config → layers the store lacks, downloaded
// resume-safe with digest checks, unpacked in the user namespace (diff ids checked), then one atomic commit with
// the config stored verbatim. A failure leaves no layer or record; partial downloads stay for the next attempt.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../log.js';
import { parseImageConfig } from '../image/config-parse.js';
import { unpackBlobFileToTmp } from '../image/layer-unpack.js';
import { forEachLimited } from '../image/parallel.js';
import { hostPlatform, type Platform } from '../image/platform.js';
import type { ImageRecord, ImageStore, PendingLayer } from '../image/store.js';
import { startUnpackService, type LayerUnpackService } from '../image/unpack-service.js';
import { removeTree } from '../runtime/userns-run.js';
import { downloadBlob } from './blob-download.js';
import { RegistryError, type RegistryClient } from './client.js';
import { resolveManifest } from './manifest.js';
import { ProgressBoard, type BoardOutput } from './progress-board.js';
import type { RemoteTarget } from './target.js';

export interface PullResult { image: ImageRecord; manifestDigest: string; fetched: number; reused: number; warnings: string[] }

const PARALLEL = 3;

/** `progressOut` replaces stderr for the per-layer lines (build writes them into its FROM step). */
export async function pullImage(store: ImageStore, client: RegistryClient, target: RemoteTarget,
  opts: { platform?: Platform; progressOut?: BoardOutput } = {}): Promise<PullResult> {
  await store.sweepTmp();
  const manifest = await resolveManifest(client, target.ref, opts.platform ?? hostPlatform());
  const downloads = join(store.dir, 'downloads');
  const cfgBlob = await downloadBlob(client, downloads, manifest.config.digest, manifest.config.size, () => {});
  let configJson: string;
  // The config is stored as bytes in the image record; its download file is not needed after this.
  try { configJson = readFileSync(cfgBlob.path, 'utf8'); rmSync(cfgBlob.path, { force: true }); } finally { cfgBlob.release(); }
  const config = parseImageConfig(configJson);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new RegistryError(`${target.canonical}: the manifest has ${manifest.layers.length} layers, the config ${config.rootfs.diff_ids.length}`);
  }
  const board = new ProgressBoard(opts.progressOut);
  const pending: PendingLayer[] = [];
  const warnings: string[] = [];
  const layers: (PendingLayer | { diffId: string })[] = manifest.layers.map((_, i) => ({ diffId: config.rootfs.diff_ids[i]! }));
  let reused = 0;
  let unpacker: LayerUnpackService | undefined;
  try {
    const todo: number[] = [];
    manifest.layers.forEach((l, i) => {
      const diffId = config.rootfs.diff_ids[i]!;
      if (store.layer(diffId) || todo.some((j) => config.rootfs.diff_ids[j] === diffId)) {
        reused++;
        board.finish(board.add(l.digest.slice(7, 19), ''), 'already exists');
      } else {
        todo.push(i);
      }
    });
    // Started before the downloads, so that a rootless worker's start-up overlaps them.
    if (todo.length) unpacker = startUnpackService();
    const service = unpacker;
    await forEachLimited(todo, PARALLEL, async (i) => {
      const l = manifest.layers[i]!;
      const row = board.add(l.digest.slice(7, 19), 'waiting');
      const blob = await downloadBlob(client, downloads, l.digest, l.size, (n) => board.bytes(row, n, l.size));
      try {
        board.status(row, 'extracting');
        const u = await unpackBlobFileToTmp(store, service!, blob.path, { blobDigest: l.digest, expectDiffId: config.rootfs.diff_ids[i]! });
        pending.push(u);
        layers[i] = u;
        if (u.warning) warnings.push(u.warning);
        board.finish(row, 'done');
      } finally {
        blob.release();
      }
    });
    await unpacker?.close();
    // Layers repeated within the image point at the one pending copy.
    for (let i = 0; i < layers.length; i++) {
      const p = pending.find((x) => x.diffId === layers[i]!.diffId);
      if (p) layers[i] = p;
    }
    const image = await store.commitConfig({ layers, configJson, names: [target.canonical] });
    log.debug({ image: image.id, manifest: manifest.digest }, 'image pulled');
    return { image, manifestDigest: manifest.digest, fetched: pending.length, reused, warnings };
  } catch (err) {
    await unpacker?.close();
    await Promise.all(pending.map((p) => removeTree(p.tmpDir)));
    throw err;
  }
}
