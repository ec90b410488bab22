// Import a rootfs tarball as a one-layer image: detect compression, decompress, hash the plain tar (the diff id)
// while the unpack worker extracts it inside the user namespace, then commit layer + record. One code path for
// `import`, `bootstrap busybox` and `bootstrap debian`. A failure leaves nothing behind.
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { log } from '../log.js';
import { MyctrError, messageOf } from '../runtime/errors.js';
import { nodeEntryArgv } from '../runtime/node-entry.js';
import { waitExit } from '../runtime/start/stage0.js';
import { removeTree, spawnInUserns } from '../runtime/userns-run.js';
import { DEFAULT_PATH, type ImageConfig } from './config.js';
import { createDecompressor, detectCompression, MAGIC_LEN } from './decompress.js';
import { createProgress } from './progress.js';
import { localName } from './reference.js';
import type { ImageRecord, ImageStore } from './store.js';
import { decodeUnpackResult, unpackWarning } from './unpack-result.js';

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
  const tmp = store.createLayerTmp();
  const progress = createProgress(opts.progressLabel ?? 'importing', {
    total: opts.totalBytes, ...(opts.showProgress !== undefined ? { enabled: opts.showProgress } : {}),
  });
  try {
    const layer = await unpackLayer(input, join(tmp, 'diff'), (n) => progress.bytes(n));
    progress.done();
    const created = opts.created ?? new Date().toISOString();
    const image = await store.commitImage({
      layers: [{ tmpDir: tmp, diffId: layer.diffId, size: layer.size }],
      config: opts.config ?? { Env: [DEFAULT_PATH] },
      history: [{ created, created_by: opts.createdBy ?? 'myctr import' }],
      created,
      names,
      ...(opts.architecture !== undefined ? { architecture: opts.architecture } : {}),
    });
    log.debug({ image: image.id, diffId: layer.diffId, size: layer.size }, 'image imported');
    return { image, diffId: layer.diffId, ...(layer.warning ? { warning: layer.warning } : {}) };
  } catch (err) {
    progress.done();
    input.destroy();
    await removeTree(tmp);
    if (err instanceof MyctrError) throw err;
    throw new MyctrError('MYCTR_IMAGE', `import: ${messageOf(err)}`, { cause: err });
  }
}

interface UnpackedLayer { diffId: string; size: number; warning?: string }

/** Streams `input` through decompression and hashing into the unpack worker, which creates `diffDir`. */
async function unpackLayer(input: Readable, diffDir: string, onBytes: (n: number) => void): Promise<UnpackedLayer> {
  let read = 0;
  const counted = input.pipe(new Transform({
    transform(chunk: Buffer, _enc, cb) { read += chunk.length; onBytes(read); cb(null, chunk); },
  }));
  input.once('error', (err) => counted.destroy(err));
  const { head, rest } = await peek(counted, MAGIC_LEN);
  if (head.length === 0) throw new MyctrError('MYCTR_IMAGE', 'import: the archive is empty');
  const decompressor = await createDecompressor(detectCompression(head));
  const hash = createHash('sha256');
  let size = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) { hash.update(chunk); size += chunk.length; cb(null, chunk); },
  });
  const worker = await spawnInUserns({
    argv: [...nodeEntryArgv(import.meta.url, './unpack-worker.js'), diffDir],
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  worker.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  worker.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = waitExit(worker);
  let streamError: unknown;
  try {
    await pipeline(rest, decompressor.stream, hasher, worker.stdin!);
    await decompressor.done;
  } catch (err) {
    streamError = err;
    decompressor.abort();
  }
  const { code, signal } = await exited;
  const reply = decodeUnpackResult(stdout);
  if (reply?.type === 'unpack-error') {
    throw new MyctrError('MYCTR_IMAGE', `import: ${reply.message}`, reply.unsafe
      ? { hint: 'the archive tries to write outside its root directory; nothing was imported' } : {});
  }
  if (streamError !== undefined) {
    if (streamError instanceof MyctrError) throw streamError;
    throw new MyctrError('MYCTR_IMAGE', `import: read archive: ${messageOf(streamError)}`, { cause: streamError });
  }
  if (code !== 0 || reply?.type !== 'unpack-done') {
    const tail = stderr.trim().split('\n').slice(-3).join(' / ');
    throw new MyctrError('MYCTR_IMAGE', `import: unpack worker failed (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}`);
  }
  const warning = unpackWarning(reply);
  return { diffId: `sha256:${hash.digest('hex')}`, size, ...(warning ? { warning } : {}) };
}

/** Reads at least `n` bytes (fewer at EOF) and returns them with a stream that yields everything again. */
async function peek(src: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  const it = src[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    chunks.push(r.value);
    len += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}
