// One layer blob *file* → an unpacked `diff` dir, all in the process that unpacks: decompress (by magic), hash
// the plain tar (the diff id) and, unless the caller verified it already, the blob; enforce the size limit;
// extract with LayerUnpacker. Runs in-process as real root and in the shared unpack worker rootless (user
// namespace), so pull and load pass a path instead of piping the bytes through the CLI. The outcome is plain
// data (it may cross a process boundary); the caller checks the diff id and commits or removes the layer.
import { createHash } from 'node:crypto';
import { createReadStream, fstatSync, openSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MyctrError, type MyctrErrorCode } from '../runtime/errors.js';
import { createDecompressor, detectCompression, MAGIC_LEN, type Compression } from './decompress.js';
import { peek } from './peek.js';
import { LayerUnpacker, unpackErrorOf, type UnpackDone } from './unpack-core.js';
import type { WhiteoutFormat, XattrPrefix } from './whiteout-parse.js';

export interface UnpackFileJob {
  /** The blob (compressed or plain tar). Only read. */
  file: string;
  /** The `diff` dir to create (its parent must exist). */
  dest: string;
  /** Hash the blob too (false when the caller verified its digest already). */
  hashBlob: boolean;
  /** Uncompressed bytes the layer may expand to. */
  limit: number;
  /** Prefix of error messages (`layer`). */
  label: string;
}

export type UnpackFileResult =
  | { ok: true; done: UnpackDone; diffId: string; size: number; compression: Compression; blobSize: number; blobDigest?: string }
  | { ok: false; code: MyctrErrorCode; message: string; hint?: string };

/** The size-limit error of every unpack path (a file here, a stream in layer-unpack.ts). */
export function layerTooLarge(limit: number): MyctrError {
  return new MyctrError('MYCTR_IMAGE', `layer expands beyond the size limit of ${limit} bytes`,
    { hint: 'a tar bomb, or a legitimately huge layer: raise MYCTR_MAX_LAYER_BYTES' });
}

const UNSAFE_HINT = 'the archive tries to write outside its root directory; nothing was imported';

/** A failure of the extractor itself (unsafe entry, tar error), as opposed to reading or decompressing. */
class ExtractFailure extends Error {
  constructor(readonly inner: unknown) { super('extract'); }
}

export async function unpackFile(job: UnpackFileJob, prefix: XattrPrefix, format: WhiteoutFormat): Promise<UnpackFileResult> {
  const { label } = job;
  try {
    const fd = openSync(job.file, 'r');
    const blobSize = fstatSync(fd).size;
    const input = createReadStream('', { fd, highWaterMark: 256 * 1024 });
    const { head, rest } = await peek(input, MAGIC_LEN);
    if (head.length === 0) { input.destroy(); return { ok: false, code: 'MYCTR_IMAGE', message: `${label}: the archive is empty` }; }
    const compression = detectCompression(head);
    const decompressor = await createDecompressor(compression);
    // A plain tar's blob digest is its diff id: hash it once.
    const blobHash = job.hashBlob && compression !== 'none' ? createHash('sha256') : undefined;
    const tap = new Transform({ transform(chunk: Buffer, _enc, cb) { blobHash?.update(chunk); cb(null, chunk); } });
    let unpacker: LayerUnpacker;
    try { unpacker = new LayerUnpacker(job.dest, prefix, format); } catch (err) { input.destroy(); decompressor.abort(); throw new ExtractFailure(err); }
    const hash = createHash('sha256');
    let size = 0;
    // What the sink threw: pipeline() itself may report only the AbortError of tearing the streams down.
    let failure: unknown;
    try {
      await pipeline(rest, tap, decompressor.stream, async (plain: AsyncIterable<Buffer>) => {
        for await (const chunk of plain) {
          size += chunk.length;
          if (size > job.limit) {
            throw (failure = layerTooLarge(job.limit));
          }
          hash.update(chunk);
          try { unpacker.write(chunk); } catch (err) { throw (failure = new ExtractFailure(err)); }
        }
      });
      await decompressor.done;
    } catch (err) {
      decompressor.abort();
      throw failure ?? err;
    }
    let done: UnpackDone;
    try { done = await unpacker.finish(); } catch (err) { throw new ExtractFailure(err); }
    const diffId = `sha256:${hash.digest('hex')}`;
    return {
      ok: true, done, diffId, size, compression, blobSize,
      ...(job.hashBlob ? { blobDigest: blobHash ? `sha256:${blobHash.digest('hex')}` : diffId } : {}),
    };
  } catch (err) {
    if (err instanceof ExtractFailure) {
      const r = unpackErrorOf(err.inner);
      return { ok: false, code: 'MYCTR_IMAGE', message: `${label}: ${r.message}`, ...(r.unsafe ? { hint: UNSAFE_HINT } : {}) };
    }
    if (err instanceof MyctrError) return { ok: false, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    return { ok: false, code: 'MYCTR_IMAGE', message: `${label}: read archive: ${(err as Error).message ?? String(err)}` };
  }
}
