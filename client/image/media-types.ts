// Layer media types per compression, and what each target format cannot hold of an image's config (the warning
// save and push print). OCI image-spec config.md has no Healthcheck, Shell or OnBuild: they are Docker fields.
import { MyctrError } from '../runtime/errors.js';
import type { ImageConfig } from './config.js';
import type { Compression } from './decompress.js';

export function layerMediaType(c: Compression, style: 'oci' | 'docker'): string {
  if (style === 'docker') {
    if (c === 'gzip') return 'application/vnd.docker.image.rootfs.diff.tar.gzip';
    if (c === 'none') return 'application/vnd.docker.image.rootfs.diff.tar';
  } else if (c === 'gzip' || c === 'zstd' || c === 'none') {
    return `application/vnd.oci.image.layer.v1.tar${c === 'none' ? '' : `+${c}`}`;
  }
  throw new MyctrError('MYCTR_IMAGE', `a ${c}-compressed layer cannot be written as a ${style} layer`,
    { hint: style === 'docker' ? 'save or push it in OCI form (--format oci)' : 'import the layer again from a gzip or zstd copy' });
}

const DOCKER_ONLY: readonly (keyof ImageConfig)[] = ['Healthcheck', 'Shell', 'OnBuild'];

/** One warning naming the config fields the target format has no place for (kept as-is in the config bytes). */
export function formatWarnings(format: 'myctr' | 'oci-archive' | 'docker-archive' | 'oci', cfg: ImageConfig): string[] {
  if (format !== 'oci-archive' && format !== 'oci') return [];
  const lost = DOCKER_ONLY.filter((k) => cfg[k] !== undefined);
  if (!lost.length) return [];
  return [`the OCI image format has no ${lost.join(', ')}: kept in the config as Docker extensions, which OCI tools may ignore`];
}
