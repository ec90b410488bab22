// Validation of image configs and manifests from outside (archives, registries): the trust boundary for their
// JSON. Malformed or missing required fields → MYCTR_IMAGE with the field named; unknown fields are kept.
import { MyctrError } from '../runtime/errors.js';
import type { HistoryEntry, ImageConfig } from './config.js';

export interface ParsedImageConfig {
  created?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: Partial<HistoryEntry>[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HINT = 'the image is malformed or not an image; nothing was imported';

export function malformed(what: string, why: string): MyctrError {
  return new MyctrError('MYCTR_IMAGE', `malformed ${what}: ${why}`, { hint: HINT });
}

/** Parses JSON text into an object, or throws a MYCTR_IMAGE error naming `what`. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try { v = JSON.parse(text); } catch (err) { throw malformed(what, (err as Error).message); }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(what, 'not a JSON object');
  return v as Record<string, unknown>;
}

export function isDigest(v: unknown): v is string {
  return typeof v === 'string' && DIGEST.test(v);
}

/** An OCI / Docker image config: architecture, os and rootfs.diff_ids are required. */
export function parseImageConfig(text: string): ParsedImageConfig {
  const o = parseJsonObject(text, 'image config');
  if (typeof o.architecture !== 'string' || o.architecture === '') throw malformed('image config', 'missing `architecture`');
  if (typeof o.os !== 'string' || o.os === '') throw malformed('image config', 'missing `os`');
  const rootfs = o.rootfs as { type?: unknown; diff_ids?: unknown } | undefined;
  if (typeof rootfs !== 'object' || rootfs === null || !Array.isArray(rootfs.diff_ids) || !rootfs.diff_ids.every(isDigest)) {
    throw malformed('image config', '`rootfs.diff_ids` must be a list of sha256 digests');
  }
  if (o.config !== undefined && o.config !== null && (typeof o.config !== 'object' || Array.isArray(o.config))) {
    throw malformed('image config', '`config` must be an object');
  }
  if (o.history !== undefined && !Array.isArray(o.history)) throw malformed('image config', '`history` must be a list');
  return {
    ...(typeof o.created === 'string' ? { created: o.created } : {}),
    architecture: o.architecture, os: o.os,
    ...(typeof o.variant === 'string' ? { variant: o.variant } : {}),
    ...(o.config ? { config: o.config as ImageConfig } : {}),
    rootfs: { type: String(rootfs.type ?? 'layers'), diff_ids: rootfs.diff_ids as string[] },
    ...(o.history ? { history: o.history as Partial<HistoryEntry>[] } : {}),
  };
}
