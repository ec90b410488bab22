// Manifests and indexes from a registry, checked at the trust boundary: known media types only, sha256 digests,
// the body's digest equal to the one asked for (or announced). Pure except for the fetch.
import { createHash } from 'node:crypto';
import { MEDIA } from '../image/archive-formats.js';
import { isDigest, malformed, parseJsonObject } from '../image/config-parse.js';
import { selectPlatform, type IndexEntry, type Platform } from '../image/platform.js';
import { expectOk, RegistryError, type RegistryClient } from './client.js';

export const ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

export interface Descriptor { mediaType: string; digest: string; size: number }
export interface ImageManifest { digest: string; config: Descriptor; layers: Descriptor[] }

const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.docker.image.rootfs.diff.tar',
]);

async function getManifest(client: RegistryClient, ref: string): Promise<{ doc: Record<string, unknown>; digest: string; type: string }> {
  const res = await client.request('GET', `/manifests/${ref}`, { headers: { accept: ACCEPT } });
  await expectOk(res, `get manifest \`${client.opts.repository}:${ref}\``, client.opts.registry);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > 4 * 1024 * 1024) throw malformed('manifest', 'larger than 4 MiB');
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const wanted = ref.startsWith('sha256:') ? ref : res.headers.get('docker-content-digest');
  if (wanted && isDigest(wanted) && wanted !== digest) {
    throw new RegistryError(`${client.opts.registry}: manifest \`${ref}\` hashes to \`${digest}\`, not \`${wanted}\` (digest mismatch)`);
  }
  const doc = parseJsonObject(body.toString('utf8'), 'manifest');
  const type = (typeof doc.mediaType === 'string' ? doc.mediaType : res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  return { doc, digest, type };
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Partial<Descriptor> | undefined;
  if (!d || !isDigest(d.digest) || typeof d.size !== 'number' || d.size < 0) throw malformed('manifest', `${what} needs a sha256 digest and a size`);
  return { mediaType: String(d.mediaType ?? ''), digest: d.digest, size: d.size };
}

/** The image manifest for `ref` (tag or digest), going through an index for `platform`. */
export async function resolveManifest(client: RegistryClient, ref: string, platform: Platform): Promise<ImageManifest> {
  let m = await getManifest(client, ref);
  if (Array.isArray(m.doc.manifests)) {
    const entry = selectPlatform(m.doc.manifests as IndexEntry[], platform, `\`${client.opts.registry}/${client.opts.repository}:${ref}\``);
    if (!isDigest(entry.digest)) throw malformed('index', 'entry without a sha256 digest');
    m = await getManifest(client, entry.digest);
  }
  if (m.doc.schemaVersion !== 2 || !m.doc.config || !Array.isArray(m.doc.layers)) {
    throw malformed('manifest', `unsupported manifest (${m.type || `schemaVersion ${String(m.doc.schemaVersion)}`})`);
  }
  const layers = (m.doc.layers as unknown[]).map((l, i) => descriptor(l, `layer ${i}`));
  for (const l of layers) {
    if (!LAYER_TYPES.has(l.mediaType)) throw malformed('manifest', `unsupported layer media type \`${l.mediaType}\``);
  }
  return { digest: m.digest, config: descriptor(m.doc.config, 'config'), layers };
}
