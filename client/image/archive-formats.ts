// The three archive formats `load` understands, read from an ArchiveIndex into one shape: config bytes + layer
// files with their expected digests. Every digest the archive states is checked against the bytes here (config,
// blobs); diff ids are checked while unpacking. Formats: docs/ARCHIVES.md.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import type { ArchiveIndex } from './archive-read.js';
import { isDigest, malformed, parseImageConfig, parseJsonObject } from './config-parse.js';
import { hostPlatform, selectPlatform, type IndexEntry, type Platform } from './platform.js';

export type ArchiveFormat = 'myctr' | 'oci-archive' | 'docker-archive';

export interface ArchiveImage {
  configJson: string;
  layers: { file: string; diffId: string }[];
  /** References found in the archive (as written there; the caller canonicalizes). */
  names: string[];
}

export const MYCTR_ARCHIVE_VERSION = 1;
export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export function detectFormat(a: ArchiveIndex): ArchiveFormat | undefined {
  if (a.has('metadata.json')) return 'myctr';
  if (a.has('oci-layout') && a.has('index.json')) return 'oci-archive';
  if (a.has('manifest.json')) return 'docker-archive';
  return undefined;
}

export async function fileDigest(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

async function verifiedFile(a: ArchiveIndex, member: string, digest: string): Promise<string> {
  const f = a.file(member);
  const got = await fileDigest(f);
  if (got !== digest) throw malformed('archive', `\`${member}\` hashes to \`${got}\`, not \`${digest}\` (digest mismatch)`);
  return f;
}

function layersFor(configJson: string, files: string[], what: string): ArchiveImage['layers'] {
  const cfg = parseImageConfig(configJson);
  if (cfg.rootfs.diff_ids.length !== files.length) {
    throw malformed(what, `${files.length} layers but the config lists ${cfg.rootfs.diff_ids.length} diff ids`);
  }
  return files.map((file, i) => ({ file, diffId: cfg.rootfs.diff_ids[i]! }));
}

export async function readMyctr(a: ArchiveIndex): Promise<ArchiveImage[]> {
  const m = parseJsonObject(readFileSync(a.file('metadata.json'), 'utf8'), 'metadata.json');
  if (m.version !== MYCTR_ARCHIVE_VERSION) throw malformed('metadata.json', `unsupported version ${JSON.stringify(m.version)} (this myctr reads ${MYCTR_ARCHIVE_VERSION})`);
  if (typeof m.config !== 'string' || !isDigest(m.configDigest)) throw malformed('metadata.json', 'missing `config` or `configDigest`');
  if (!Array.isArray(m.layers)) throw malformed('metadata.json', '`layers` must be a list');
  const configJson = readFileSync(await verifiedFile(a, m.config, m.configDigest), 'utf8');
  const files: string[] = [];
  for (const l of m.layers as Record<string, unknown>[]) {
    if (typeof l?.file !== 'string' || !isDigest(l.diffId)) throw malformed('metadata.json', 'each layer needs `file` and `diffId`');
    files.push(isDigest(l.digest) ? await verifiedFile(a, l.file, l.digest) : a.file(l.file));
  }
  const names = Array.isArray(m.names) ? m.names.filter((n): n is string => typeof n === 'string') : [];
  const layers = layersFor(configJson, files, 'metadata.json');
  (m.layers as { diffId: string }[]).forEach((l, i) => {
    if (l.diffId !== layers[i]!.diffId) throw malformed('metadata.json', `layer ${i} diffId does not match the config`);
  });
  return [{ configJson, layers, names }];
}

const blobPath = (digest: string) => `blobs/${digest.replace(':', '/')}`;

export async function readOci(a: ArchiveIndex, platform: Platform = hostPlatform()): Promise<ArchiveImage[]> {
  const index = parseJsonObject(readFileSync(a.file('index.json'), 'utf8'), 'index.json');
  if (!Array.isArray(index.manifests) || index.manifests.length === 0) throw malformed('index.json', 'no manifests');
  const out: ArchiveImage[] = [];
  for (const top of index.manifests as IndexEntry[]) {
    if (!isDigest(top?.digest)) throw malformed('index.json', 'manifest without a sha256 digest');
    const ann = top.annotations ?? {};
    const refName = ann['io.containerd.image.name'] ?? ann['org.opencontainers.image.ref.name'];
    let entry = top;
    let doc = parseJsonObject(readFileSync(await verifiedFile(a, blobPath(entry.digest), entry.digest), 'utf8'), 'manifest');
    for (let depth = 0; Array.isArray(doc.manifests); depth++) {
      if (depth > 4) throw malformed('index', 'nested too deeply');
      entry = selectPlatform(doc.manifests as IndexEntry[], platform, 'the archive');
      if (!isDigest(entry.digest)) throw malformed('index', 'manifest without a sha256 digest');
      doc = parseJsonObject(readFileSync(await verifiedFile(a, blobPath(entry.digest), entry.digest), 'utf8'), 'manifest');
    }
    out.push(await fromManifest(a, doc, refName && /[:/]/.test(refName) ? [refName] : []));
  }
  return out;
}

async function fromManifest(a: ArchiveIndex, doc: Record<string, unknown>, names: string[]): Promise<ArchiveImage> {
  const config = doc.config as { digest?: unknown } | undefined;
  if (!isDigest(config?.digest) || !Array.isArray(doc.layers)) throw malformed('manifest', 'missing `config` or `layers`');
  const configJson = readFileSync(await verifiedFile(a, blobPath(config.digest), config.digest), 'utf8');
  const files: string[] = [];
  for (const l of doc.layers as { digest?: unknown }[]) {
    if (!isDigest(l?.digest)) throw malformed('manifest', 'layer without a sha256 digest');
    files.push(await verifiedFile(a, blobPath(l.digest), l.digest));
  }
  return { configJson, layers: layersFor(configJson, files, 'manifest'), names };
}

export async function readDocker(a: ArchiveIndex): Promise<ArchiveImage[]> {
  let list: unknown;
  try { list = JSON.parse(readFileSync(a.file('manifest.json'), 'utf8')); } catch (err) { throw malformed('manifest.json', (err as Error).message); }
  if (!Array.isArray(list) || list.length === 0) throw malformed('manifest.json', 'must be a non-empty list');
  const out: ArchiveImage[] = [];
  for (const item of list as Record<string, unknown>[]) {
    if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
      throw malformed('manifest.json', 'each entry needs `Config` and `Layers`');
    }
    // The config's name is its digest (`<hex>.json` or `blobs/sha256/<hex>`): check it when it says so.
    const hex = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(item.Config)?.[1];
    const configFile = hex ? await verifiedFile(a, item.Config, `sha256:${hex}`) : a.file(item.Config);
    const configJson = readFileSync(configFile, 'utf8');
    const names = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    out.push({ configJson, layers: layersFor(configJson, (item.Layers as string[]).map((l) => a.file(l)), 'manifest.json'), names });
  }
  return out;
}
