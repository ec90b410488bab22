// `myctr save`: an image → a myctr archive (metadata.json + config.json + layers/<diff-hex>.tar[.gz]), an OCI
// image layout (oci-archive) or a docker save archive. Layer blobs and config bytes are written as stored, so
// digests and the image id survive a save/load round trip. Written to a tmp file renamed into place.
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { MyctrError, UsageError } from '../runtime/errors.js';
import { MEDIA, MYCTR_ARCHIVE_VERSION, type ArchiveFormat } from './archive-formats.js';
import { sha256Hex } from './config.js';
import { createDecompressor } from './decompress.js';
import { layerMediaType, formatWarnings } from './media-types.js';
import type { ImageRecord, ImageStore } from './store.js';
import { encodeTarEntry } from './tar-writer.js';

const EXT: Record<string, string> = { none: '.tar', gzip: '.tar.gz', zstd: '.tar.zst', xz: '.tar.xz', bzip2: '.tar.bz2' };

export interface SaveResult { warnings: string[] }

export async function saveImage(store: ImageStore, img: ImageRecord, format: ArchiveFormat, output: string | undefined, ref?: string): Promise<SaveResult> {
  if (output === undefined && process.stdout.isTTY) {
    throw new UsageError('refusing to write an archive to a terminal', 'use -o FILE or redirect stdout');
  }
  const tmp = output === undefined ? undefined : join(dirname(output), `.${basename(output)}.tmp-${process.pid}`);
  const out: Writable = tmp === undefined ? process.stdout : createWriteStream(tmp, { mode: 0o644 });
  const w = new TarOut(out);
  try {
    const warnings = await writeFormat(store, img, format, w, ref);
    await w.finish();
    if (tmp !== undefined && output !== undefined) renameSync(tmp, output);
    return { warnings };
  } catch (err) {
    out.destroy();
    if (tmp !== undefined) rmSync(tmp, { force: true });
    throw err;
  }
}

async function writeFormat(store: ImageStore, img: ImageRecord, format: ArchiveFormat, w: TarOut, ref?: string): Promise<string[]> {
  const configJson = store.configJson(img.id);
  const blobs = img.layers.map((diffId) => {
    const rec = store.layer(diffId);
    const path = store.blobPath(diffId);
    if (!rec?.blob || !path) {
      throw new MyctrError('MYCTR_IMAGE', `layer \`${diffId}\` has no stored blob`, { hint: 'the image was stored by an older myctr: pull or import it again' });
    }
    return { diffId, path, rec, blob: rec.blob };
  });
  const names = ref !== undefined ? [ref] : img.names;
  const warnings = formatWarnings(format, img.config);
  if (format === 'myctr') {
    const layers = blobs.map((b) => ({ file: `layers/${b.diffId.slice(7)}${EXT[b.blob.compression]}`, diffId: b.diffId, digest: b.blob.digest, size: b.blob.size }));
    const meta = { version: MYCTR_ARCHIVE_VERSION, names, config: 'config.json', configDigest: `sha256:${img.id}`, layers };
    await w.data('metadata.json', `${JSON.stringify(meta, null, 2)}\n`);
    await w.data('config.json', configJson);
    await w.dir('layers/');
    for (const [i, b] of blobs.entries()) await w.file(layers[i]!.file, b.path, b.blob.size);
  } else if (format === 'oci-archive') {
    const layers = blobs.map((b) => ({ mediaType: layerMediaType(b.blob.compression, 'oci'), digest: b.blob.digest, size: b.blob.size }));
    const manifest = JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: `sha256:${img.id}`, size: Buffer.byteLength(configJson) }, layers,
    });
    const mDigest = `sha256:${sha256Hex(manifest)}`;
    const annotations = names[0] !== undefined ? { 'org.opencontainers.image.ref.name': names[0], 'io.containerd.image.name': names[0] } : undefined;
    await w.data('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await w.data('index.json', JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociIndex,
      manifests: [{ mediaType: MEDIA.ociManifest, digest: mDigest, size: Buffer.byteLength(manifest), ...(annotations ? { annotations } : {}) }],
    }));
    await w.dir('blobs/');
    await w.dir('blobs/sha256/');
    await w.data(`blobs/sha256/${mDigest.slice(7)}`, manifest);
    await w.data(`blobs/sha256/${img.id}`, configJson);
    const seen = new Set<string>();
    for (const b of blobs) {
      if (seen.has(b.blob.digest)) continue;
      seen.add(b.blob.digest);
      await w.file(`blobs/sha256/${b.blob.digest.slice(7)}`, b.path, b.blob.size);
    }
  } else {
    // docker load wants plain layer tars named by content; their digest is the diff id.
    const layerFiles = blobs.map((b) => `${b.diffId.slice(7)}/layer.tar`);
    await w.data('manifest.json', JSON.stringify([{ Config: `${img.id}.json`, RepoTags: names.map(dockerTag), Layers: layerFiles }]));
    await w.data(`${img.id}.json`, configJson);
    const seen = new Set<string>();
    for (const [i, b] of blobs.entries()) {
      if (seen.has(b.diffId)) continue;
      seen.add(b.diffId);
      await w.dir(`${b.diffId.slice(7)}/`);
      await w.plainLayer(layerFiles[i]!, b.path, b.blob.compression, b.rec.size);
    }
  }
  return warnings;
}

/** Docker writes Hub names short (`busybox:latest`). */
function dockerTag(name: string): string {
  return name.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

/** A streaming tar writer with backpressure. */
class TarOut {
  constructor(private readonly out: Writable) {}

  private async write(buf: Buffer): Promise<void> {
    if (buf.length && !this.out.write(buf)) await once(this.out, 'drain');
  }

  async data(path: string, text: string): Promise<void> {
    for (const b of encodeTarEntry({ path, type: 'file', data: text, mode: 0o644 })) await this.write(b);
  }

  async dir(path: string): Promise<void> {
    for (const b of encodeTarEntry({ path, type: 'dir' })) await this.write(b);
  }

  /** A file of known size from disk. */
  async file(path: string, src: string, size: number): Promise<void> {
    await this.stream(path, size, createReadStream(src));
  }

  /** A blob decompressed on the fly; its plain size is known from the layer record. */
  async plainLayer(path: string, src: string, compression: Parameters<typeof createDecompressor>[0], size: number): Promise<void> {
    const dec = await createDecompressor(compression);
    createReadStream(src).pipe(dec.stream);
    await this.stream(path, size, dec.stream);
    await dec.done;
  }

  private async stream(path: string, size: number, src: AsyncIterable<unknown>): Promise<void> {
    const [header] = encodeTarEntry({ path, type: 'file', mode: 0o644 });
    header!.write(size.toString(8).padStart(11, '0'), 124, 11, 'ascii');
    fixChecksum(header!);
    await this.write(header!);
    let n = 0;
    for await (const chunk of src) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > size) throw new MyctrError('MYCTR_IMAGE', `save: \`${path}\` is larger than recorded (${size} bytes)`);
      await this.write(b);
    }
    if (n !== size) throw new MyctrError('MYCTR_IMAGE', `save: \`${path}\` is ${n} bytes, ${size} recorded`, { hint: 'the store may be damaged; pull or load the image again' });
    await this.write(Buffer.alloc((512 - (size % 512)) % 512));
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(1024));
    if (this.out === process.stdout) return;
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** ustar header checksum: the sum of the header bytes with the checksum field as spaces. */
function fixChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
}
