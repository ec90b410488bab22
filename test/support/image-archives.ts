// Builders for image archives in tests: layers from TarEntry lists (plain, gzip or zstd), then a docker-archive,
// an OCI layout (optionally a multi-platform index) or a myctr archive, written by hand so that tests can also
// make them hostile (wrong digests, traversal, malformed JSON).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildTar, type TarEntry } from '../../client/image/tar-writer.js';

export type Compression = 'none' | 'gzip' | 'zstd';

export interface BuiltLayer { blob: Buffer; digest: string; diffId: string; compression: Compression }

export const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function makeLayer(entries: TarEntry[], compression: Compression = 'gzip'): BuiltLayer {
  const plain = buildTar(entries);
  let blob = plain;
  if (compression === 'gzip') blob = gzipSync(plain);
  if (compression === 'zstd') {
    const r = spawnSync('zstd', ['-q', '-c'], { input: plain, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`zstd: ${r.stderr?.toString()}`);
    blob = r.stdout;
  }
  return { blob, digest: sha(blob), diffId: sha(plain), compression };
}

export interface ConfigExtra { config?: Record<string, unknown>; architecture?: string; created?: string }

export function makeConfig(layers: BuiltLayer[], extra: ConfigExtra = {}): string {
  return JSON.stringify({
    architecture: extra.architecture ?? 'amd64', os: 'linux', created: extra.created ?? '2024-01-01T00:00:00Z',
    config: extra.config ?? { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
  });
}

const MT: Record<Compression, string> = {
  none: 'application/vnd.oci.image.layer.v1.tar', gzip: 'application/vnd.oci.image.layer.v1.tar+gzip', zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
};

export function ociManifest(layers: BuiltLayer[], configJson: string): string {
  return JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(configJson), size: Buffer.byteLength(configJson) },
    layers: layers.map((l) => ({ mediaType: MT[l.compression], digest: l.digest, size: l.blob.length })),
  });
}

export interface PlatformImage { layers: BuiltLayer[]; configJson: string; platform?: { os: string; architecture: string } }

/** An OCI layout tar: one image, or an index of several platforms when more than one is given. */
export function ociArchive(images: PlatformImage[], refName?: string): Buffer {
  const blobs = new Map<string, Buffer>();
  const add = (b: Buffer | string) => { const buf = Buffer.from(b); blobs.set(sha(buf), buf); return { digest: sha(buf), size: buf.length }; };
  const entries = images.map((img) => {
    for (const l of img.layers) add(l.blob);
    add(img.configJson);
    const m = add(ociManifest(img.layers, img.configJson));
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, ...(img.platform ? { platform: img.platform } : {}) };
  });
  let top = entries[0]!;
  if (images.length > 1) {
    const idx = add(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries }));
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...idx };
  }
  const index = { schemaVersion: 2, manifests: [{ ...top, ...(refName ? { annotations: { 'org.opencontainers.image.ref.name': refName } } : {}) }] };
  return buildTar([
    { path: 'oci-layout', type: 'file', data: '{"imageLayoutVersion":"1.0.0"}' },
    { path: 'index.json', type: 'file', data: JSON.stringify(index) },
    { path: 'blobs/', type: 'dir' }, { path: 'blobs/sha256/', type: 'dir' },
    ...[...blobs].map(([d, b]): TarEntry => ({ path: `blobs/sha256/${d.slice(7)}`, type: 'file', data: b })),
  ]);
}

/** A docker save archive (layers must be plain tars, as docker writes them). */
export function dockerArchive(layers: BuiltLayer[], configJson: string, repoTags: string[], mutate?: (e: TarEntry[]) => void): Buffer {
  const cfgName = `${sha(configJson).slice(7)}.json`;
  const entries: TarEntry[] = [
    { path: 'manifest.json', type: 'file', data: JSON.stringify([{ Config: cfgName, RepoTags: repoTags, Layers: layers.map((l) => `${l.diffId.slice(7)}/layer.tar`) }]) },
    { path: cfgName, type: 'file', data: configJson },
    ...layers.flatMap((l): TarEntry[] => [{ path: `${l.diffId.slice(7)}/`, type: 'dir' }, { path: `${l.diffId.slice(7)}/layer.tar`, type: 'file', data: l.blob }]),
  ];
  mutate?.(entries);
  return buildTar(entries);
}

export function writeArchive(path: string, data: Buffer): string {
  writeFileSync(path, data);
  return path;
}
