// Docker-style image references (distribution/reference grammar): `[registry/]path[:tag][@sha256:…]`, and the one
// canonical form names are stored in: `localhost/busybox:latest` for local images, `docker.io/library/alpine:3.20`.
import { UsageError } from '../runtime/errors.js';

export interface ParsedReference {
  /** Registry host[:port] when the reference names one (`localhost:5000`, `docker.io`); undefined for short names. */
  registry?: string;
  /** Repository path without the registry (`busybox`, `library/alpine`, `a/b`). */
  name: string;
  /** Tag; `latest` when neither a tag nor a digest is given. */
  tag?: string;
  /** `sha256:<64 hex>` when the reference pins a digest. */
  digest?: string;
}

/** Registry of images created on this host (Podman's convention). */
export const LOCAL_REGISTRY = 'localhost';
export const DOCKER_HUB = 'docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const MAX_NAME = 255;
const HINT = 'references look like `name`, `name:tag`, `registry.example:5000/path/name:tag` or `name@sha256:<64 hex>`';

/** Parses a reference; throws UsageError (with a hint) when it is not valid. */
export function parseReference(ref: string): ParsedReference {
  const bad = (why: string) => new UsageError(`invalid image reference \`${ref}\`: ${why}`, HINT);
  if (ref === '') throw bad('empty');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('digest must be `sha256:` followed by 64 lowercase hex digits');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`invalid tag \`${tag}\``);
  }
  if (rest === '') throw bad('missing name');
  const parts = rest.split('/');
  let registry: string | undefined;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === LOCAL_REGISTRY)) {
    if (!DOMAIN.test(first)) throw bad(`invalid registry \`${first}\``);
    registry = first;
    parts.shift();
  }
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      throw bad(p.toLowerCase() !== p && COMPONENT.test(p.toLowerCase())
        ? 'repository name must be lowercase' : `invalid path component \`${p}\``);
    }
  }
  const name = parts.join('/');
  if ((registry ? registry.length + 1 : 0) + name.length > MAX_NAME) throw bad(`name longer than ${MAX_NAME} characters`);
  const out: ParsedReference = { name };
  if (registry !== undefined) out.registry = registry;
  if (tag !== undefined) out.tag = tag;
  else if (digest === undefined) out.tag = 'latest';
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** Applies Docker Hub's rules: `index.docker.io` is `docker.io`, a one-component path there is `library/x`. */
function normalizeRegistry(registry: string, name: string): { registry: string; name: string } {
  const r = registry === 'index.docker.io' || registry === 'registry-1.docker.io' ? DOCKER_HUB : registry;
  return { registry: r, name: r === DOCKER_HUB && !name.includes('/') ? `library/${name}` : name };
}

/** `registry/name:tag` (or `…@digest`), the form stored in repositories.json. */
export function formatReference(registry: string, ref: ParsedReference): string {
  const n = normalizeRegistry(registry, ref.name);
  const base = `${n.registry}/${n.name}`;
  if (ref.digest !== undefined && ref.tag === undefined) return `${base}@${ref.digest}`;
  return `${base}:${ref.tag ?? 'latest'}`;
}

/** Canonical name for an image made on this host: a short name goes under `localhost/`. */
export function localName(ref: string): string {
  const p = parseReference(ref);
  if (p.digest !== undefined) throw new UsageError(`cannot name a new image with a digest: \`${ref}\``, 'give a tag instead, e.g. `myimg:1.0`');
  return formatReference(p.registry ?? LOCAL_REGISTRY, p);
}

/** Canonical name for an image from a registry: a short name means Docker Hub (used by pull, later). */
export function remoteName(ref: string): string {
  const p = parseReference(ref);
  return formatReference(p.registry ?? DOCKER_HUB, p);
}

/** The stored names a reference may mean, in lookup order: exact when it has a registry, else localhost first. */
export function candidateNames(ref: ParsedReference): string[] {
  if (ref.registry !== undefined) return [formatReference(ref.registry, ref)];
  return [formatReference(LOCAL_REGISTRY, ref), formatReference(DOCKER_HUB, ref)];
}

/** Splits a canonical `registry/path:tag` into the REPOSITORY and TAG columns of `myctr images`. */
export function splitName(canonical: string): { repository: string; tag: string } {
  const at = canonical.indexOf('@');
  if (at >= 0) return { repository: canonical.slice(0, at), tag: '<none>' };
  const colon = canonical.lastIndexOf(':');
  if (colon > canonical.lastIndexOf('/')) return { repository: canonical.slice(0, colon), tag: canonical.slice(colon + 1) };
  return { repository: canonical, tag: 'latest' };
}
