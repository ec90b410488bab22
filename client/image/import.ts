// Import a rootfs tarball as a one-layer image: detect compression, decompress, hash the plain tar (the diff id)
// while the unpack worker extracts it inside the user namespace, then commit layer + record. One code path for
// `import`, `bootstrap busybox` and `bootstrap debian`. A failure leaves nothing behind.
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { log } from '../log.js';
import { MyctrError, messageOf } from '../runtime/errors.js';
import { removeTree } from '../runtime/userns-run.js';
import { DEFAULT_PATH, type ImageConfig } from './config.js';
import { unpackLayerToTmp } from './layer-unpack.js';
import { createProgress } from './progress.js';
import { localName } from './reference.js';
import type { ImageRecord, ImageStore } from './store.js';

export interface ImportOptions {
  /** References to tag the image with, as typed (`busybox`, `myimg:1.0`); short names go under `localhost/`. */
  names?: readonly string[];
  config?: ImageConfig;
  /** The history line (`created_by`); default `myctr import <file name>`. */
  createdBy?: string;
  /** ISO time for the config's `created` (reproducible images); now by default. */
  created?: string;
  architecture?: string;
  /** Size of the input in bytes, for the % of the progress line. */
  totalBytes?: number | undefined;
  progressLabel?: string;
  /** Defaults to whether stderr is a TTY. */
  showProgress?: boolean;
}

export interface ImportResult {
  image: ImageRecord;
  diffId: string;
  /** One sentence about what could not be reproduced (device nodes, unmappable owners), if anything. */
  warning?: string;
}

/** Imports the tar at `file` (`-` = stdin). */
export async function importTarFile(store: ImageStore, file: string, opts: ImportOptions): Promise<ImportResult> {
  if (file === '-') return importTarStream(store, process.stdin, opts);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new MyctrError('MYCTR_IMAGE', `import: \`${file}\` is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof MyctrError) throw err;
    throw new MyctrError('MYCTR_IMAGE', `import: open \`${file}\`: ${(err as NodeJS.ErrnoException).code ?? messageOf(err)}`, { cause: err });
  }
  return importTarStream(store, createReadStream(file), {
    ...opts, totalBytes: opts.totalBytes ?? size, createdBy: opts.createdBy ?? `myctr import ${basename(file)}`,
  });
}

/** Imports a (possibly compressed) tar read from `input`. */
export async function importTarStream(store: ImageStore, input: Readable, opts: ImportOptions): Promise<ImportResult> {
  const names = (opts.names ?? []).map(localName);
  await store.sweepTmp();
  const progress = createProgress(opts.progressLabel ?? 'importing', {
    total: opts.totalBytes, ...(opts.showProgress !== undefined ? { enabled: opts.showProgress } : {}),
  });
  let layer;
  try {
    layer = await unpackLayerToTmp(store, input, { onBytes: (n) => progress.bytes(n), label: 'import' });
  } catch (err) {
    if (err instanceof MyctrError) throw err;
    throw new MyctrError('MYCTR_IMAGE', `import: ${messageOf(err)}`, { cause: err });
  } finally {
    progress.done();
  }
  try {
    const created = opts.created ?? new Date().toISOString();
    const image = await store.commitImage({
      layers: [layer],
      config: opts.config ?? { Env: [DEFAULT_PATH] },
      history: [{ created, created_by: opts.createdBy ?? 'myctr import' }],
      created,
      names,
      ...(opts.architecture !== undefined ? { architecture: opts.architecture } : {}),
    });
    log.debug({ image: image.id, diffId: layer.diffId, size: layer.size }, 'image imported');
    return { image, diffId: layer.diffId, ...(layer.warning ? { warning: layer.warning } : {}) };
  } catch (err) {
    await removeTree(layer.tmpDir);
    if (err instanceof MyctrError) throw err;
    throw new MyctrError('MYCTR_IMAGE', `import: ${messageOf(err)}`, { cause: err });
  }
}
