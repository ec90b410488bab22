// One layer blob → a pending layer dir in the store: decompress (by magic), hash the plain tar (the diff id) while
// the unpack worker extracts it inside the user namespace, keep the blob as received (save/push reuse it byte for
// byte, so digests survive), enforce the size limit. On failure the tmp dir is removed: nothing is left behind.
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isRoot } from '../paths.js';
import { MyctrError, messageOf } from '../runtime/errors.js';
import { nodeEntryArgv } from '../runtime/node-entry.js';
import { waitExit } from '../runtime/start/stage0.js';
import { removeTree, spawnInUserns } from '../runtime/userns-run.js';
import { createDecompressor, detectCompression, MAGIC_LEN } from './decompress.js';
import type { ImageStore, PendingLayer } from './store.js';
import { peek } from './peek.js';
import { LayerUnpacker, unpackErrorOf } from './unpack-core.js';
import { layerTooLarge } from './unpack-file.js';
import { decodeUnpackResult, unpackWarning, type UnpackResult } from './unpack-result.js';
import { holdZeroUmask, unpackFailure, type LayerUnpackService } from './unpack-service.js';
import type { WhiteoutFormat, XattrPrefix } from './whiteout-parse.js';

export interface UnpackLayerOptions {
  onBytes?: (n: number) => void;
  /** The input is this file (already verified): move it into the layer as its blob instead of copying. */
  blobFile?: string;
  /** The blob's digest, already verified by the caller (skips hashing it again). */
  blobDigest?: string;
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

/**
 * Unpacks the verified blob *file* `file` into a new `layers/.tmp-*` dir through `service` (which reads the file
 * itself: in-process as root, in the command's one unpack worker rootless), then moves the file in as the
 * layer's blob. The caller commits the layer (store.commitConfig) or removes it; on failure nothing is left.
 */
export async function unpackBlobFileToTmp(store: ImageStore, service: LayerUnpackService, file: string,
  opts: { blobDigest?: string; expectDiffId?: string; label?: string } = {}): Promise<UnpackedLayer> {
  const tmp = store.createLayerTmp();
  try {
    const r = await service.run({ file, dest: join(tmp, 'diff'), hashBlob: opts.blobDigest === undefined, limit: maxLayerBytes(), label: opts.label ?? 'layer' });
    if (!r.ok) throw unpackFailure(r);
    if (opts.expectDiffId !== undefined && r.diffId !== opts.expectDiffId) {
      throw new MyctrError('MYCTR_IMAGE', `layer content hashes to \`${r.diffId}\`, not \`${opts.expectDiffId}\` as the image config says`,
        { hint: 'the archive or registry content is corrupt or was tampered with; nothing was imported' });
    }
    renameSync(file, join(tmp, 'blob'));
    const warning = unpackWarning(r.done);
    return {
      tmpDir: tmp, diffId: r.diffId, size: r.size,
      blob: { digest: opts.blobDigest ?? r.blobDigest ?? r.diffId, size: r.blobSize, compression: r.compression },
      ...(warning ? { warning } : {}),
    };
  } catch (err) {
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
    transform(chunk: Buffer, _enc, cb) { read += chunk.length; if (!opts.blobDigest) blobHash.update(chunk); opts.onBytes?.(read); cb(null, chunk); },
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
        cb(layerTooLarge(limit));
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
  const prefix = isRoot() ? 'trusted' : 'user';
  const format = process.env.MYCTR_WHITEOUT_FORMAT === 'xattr' ? 'xattr' : 'chardev';
  const sink = isRoot() && process.env.MYCTR_UNPACK_WORKER !== '1'
    ? inProcessSink(join(tmp, 'diff'), prefix, format)
    : await workerSink(join(tmp, 'diff'), prefix, format);
  let streamError: unknown;
  try {
    await pipeline(rest, tee, decompressor.stream, hasher, sink.stream);
    await decompressor.done;
  } catch (err) {
    streamError = err;
    decompressor.abort();
    sink.abort();
  }
  if (blobOut) await new Promise<void>((resolve, reject) => blobOut.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const { reply, failure } = await sink.done();
  if (streamError instanceof MyctrError) throw streamError;
  if (reply?.type === 'unpack-error') {
    throw new MyctrError('MYCTR_IMAGE', `${label}: ${reply.message}`, reply.unsafe
      ? { hint: 'the archive tries to write outside its root directory; nothing was imported' } : {});
  }
  if (streamError !== undefined) {
    throw new MyctrError('MYCTR_IMAGE', `${label}: read archive: ${messageOf(streamError)}`, { cause: streamError });
  }
  if (reply?.type !== 'unpack-done') throw new MyctrError('MYCTR_IMAGE', `${label}: ${failure ?? 'unpack failed'}`);
  if (opts.blobFile !== undefined) renameSync(opts.blobFile, blobPath);
  const warning = unpackWarning(reply);
  return {
    tmpDir: tmp, diffId: `sha256:${hash.digest('hex')}`, size,
    blob: { digest: opts.blobDigest ?? `sha256:${blobHash.digest('hex')}`, size: read, compression },
    ...(warning ? { warning } : {}),
  };
}

interface UnpackSink {
  stream: Writable;
  /** The unpacker's reply, or why there is none. */
  done(): Promise<{ reply?: UnpackResult; failure?: string }>;
  abort(): void;
}

/** Real root: no user namespace is needed, so the tar is unpacked here (saves a Node start-up per layer). */
function inProcessSink(dest: string, prefix: XattrPrefix, format: WhiteoutFormat): UnpackSink {
  const release = holdZeroUmask();
  let reply: UnpackResult | undefined;
  let unpacker: LayerUnpacker | undefined;
  try { unpacker = new LayerUnpacker(dest, prefix, format); } catch (err) { reply = unpackErrorOf(err); }
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (reply || !unpacker) { cb(); return; }
      try { unpacker.write(chunk); cb(); } catch (err) { reply = unpackErrorOf(err); cb(err as Error); }
    },
    final(cb) {
      if (reply || !unpacker) { cb(); return; }
      unpacker.finish().then((r) => { reply = r; cb(); }, (err: unknown) => { reply = unpackErrorOf(err); cb(); });
    },
  });
  return {
    stream,
    abort: release,
    done: async () => { release(); return reply ? { reply } : { failure: 'the unpack did not finish' }; },
  };
}

/** Rootless: the unpack worker runs as root of a user namespace over the subordinate ids (owners are kept). */
async function workerSink(dest: string, prefix: XattrPrefix, format: WhiteoutFormat): Promise<UnpackSink> {
  const worker = await spawnInUserns({
    argv: [...nodeEntryArgv(import.meta.url, './unpack-worker.js'), dest, prefix, format],
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  worker.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  worker.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = waitExit(worker);
  return {
    stream: worker.stdin!,
    abort: () => { worker.kill('SIGKILL'); },
    done: async () => {
      const { code, signal } = await exited;
      const reply = decodeUnpackResult(stdout);
      if (reply && (reply.type === 'unpack-error' || code === 0)) return { reply };
      const tail = stderr.trim().split('\n').slice(-3).join(' / ');
      return { failure: `unpack worker failed (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}` };
    },
  };
}
