// One layer blob → a pending layer dir in the store: decompress (by magic), hash the plain tar (the diff id) while
// the unpack worker extracts it inside the user namespace, keep the blob as received (save/push reuse it byte for
// byte, so digests survive), enforce the size limit. On failure the tmp dir is removed: nothing is left behind.
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isRoot } from '../paths.js';
import { MyctrError, messageOf } from '../runtime/errors.js';
import { nodeEntryArgv } from '../runtime/node-entry.js';
import { waitExit } from '../runtime/start/stage0.js';
import { removeTree, spawnInUserns } from '../runtime/userns-run.js';
import { createDecompressor, detectCompression, MAGIC_LEN } from './decompress.js';
import type { ImageStore, PendingLayer } from './store.js';
import { peek } from './peek.js';
import { decodeUnpackResult, unpackWarning } from './unpack-result.js';

export interface UnpackLayerOptions {
  onBytes?: (n: number) => void;
  /** The input is this file (already verified): move it into the layer as its blob instead of copying. */
  blobFile?: string;
  /** Refuse unless the plain tar hashes to this diff id. */
  expectDiffId?: string;
  /** Prefix of error messages (`import`, `layer`). */
  label?: string;
}

export interface UnpackedLayer extends PendingLayer { warning?: string }

/** Uncompressed bytes one layer may expand to (tar bomb guard); MYCTR_MAX_LAYER_BYTES overrides. */
export function maxLayerBytes(): number {
  const v = Number(process.env.MYCTR_MAX_LAYER_BYTES);
  return Number.isFinite(v) && v > 0 ? v : 64 * 1024 ** 3;
}

/** Unpacks `input` into a new `layers/.tmp-*` dir; the caller commits it (store.commitImage) or removes it. */
export async function unpackLayerToTmp(store: ImageStore, input: Readable, opts: UnpackLayerOptions = {}): Promise<UnpackedLayer> {
  const tmp = store.createLayerTmp();
  try {
    const r = await unpackInto(input, tmp, opts);
    if (opts.expectDiffId !== undefined && r.diffId !== opts.expectDiffId) {
      throw new MyctrError('MYCTR_IMAGE', `layer content hashes to \`${r.diffId}\`, not \`${opts.expectDiffId}\` as the image config says`,
        { hint: 'the archive or registry content is corrupt or was tampered with; nothing was imported' });
    }
    return r;
  } catch (err) {
    input.destroy();
    await removeTree(tmp);
    throw err;
  }
}

async function unpackInto(input: Readable, tmp: string, opts: UnpackLayerOptions): Promise<UnpackedLayer> {
  const label = opts.label ?? 'layer';
  const blobPath = join(tmp, 'blob');
  const blobHash = createHash('sha256');
  let read = 0;
  const counted = input.pipe(new Transform({
    transform(chunk: Buffer, _enc, cb) { read += chunk.length; blobHash.update(chunk); opts.onBytes?.(read); cb(null, chunk); },
  }));
  input.once('error', (err) => counted.destroy(err));
  const blobOut = opts.blobFile === undefined ? createWriteStream(blobPath, { mode: 0o600 }) : undefined;
  const { head, rest } = await peek(counted, MAGIC_LEN);
  if (head.length === 0) throw new MyctrError('MYCTR_IMAGE', `${label}: the archive is empty`);
  const compression = detectCompression(head);
  const decompressor = await createDecompressor(compression);
  const hash = createHash('sha256');
  const limit = maxLayerBytes();
  let size = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > limit) {
        cb(new MyctrError('MYCTR_IMAGE', `layer expands beyond the size limit of ${limit} bytes`,
          { hint: 'a tar bomb, or a legitimately huge layer: raise MYCTR_MAX_LAYER_BYTES' }));
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const tee = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (blobOut && !blobOut.write(chunk)) blobOut.once('drain', () => cb(null, chunk));
      else cb(null, chunk);
    },
  });
  const worker = await spawnInUserns({
    argv: [...nodeEntryArgv(import.meta.url, './unpack-worker.js'), join(tmp, 'diff'), isRoot() ? 'trusted' : 'user',
      process.env.MYCTR_WHITEOUT_FORMAT === 'xattr' ? 'xattr' : 'chardev'],
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  worker.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  worker.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = waitExit(worker);
  let streamError: unknown;
  try {
    await pipeline(rest, tee, decompressor.stream, hasher, worker.stdin!);
    await decompressor.done;
  } catch (err) {
    streamError = err;
    decompressor.abort();
    worker.kill('SIGKILL');
  }
  if (blobOut) await new Promise<void>((resolve, reject) => blobOut.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const { code, signal } = await exited;
  const reply = decodeUnpackResult(stdout);
  if (streamError instanceof MyctrError) throw streamError;
  if (reply?.type === 'unpack-error') {
    throw new MyctrError('MYCTR_IMAGE', `${label}: ${reply.message}`, reply.unsafe
      ? { hint: 'the archive tries to write outside its root directory; nothing was imported' } : {});
  }
  if (streamError !== undefined) {
    throw new MyctrError('MYCTR_IMAGE', `${label}: read archive: ${messageOf(streamError)}`, { cause: streamError });
  }
  if (code !== 0 || reply?.type !== 'unpack-done') {
    const tail = stderr.trim().split('\n').slice(-3).join(' / ');
    throw new MyctrError('MYCTR_IMAGE', `${label}: unpack worker failed (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}`);
  }
  if (opts.blobFile !== undefined) renameSync(opts.blobFile, blobPath);
  const warning = unpackWarning(reply);
  return {
    tmpDir: tmp, diffId: `sha256:${hash.digest('hex')}`, size,
    blob: { digest: `sha256:${blobHash.digest('hex')}`, size: read, compression },
    ...(warning ? { warning } : {}),
  };
}
