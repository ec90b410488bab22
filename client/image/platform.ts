// Picking a manifest from an OCI image index / Docker manifest list: `--platform os/arch[/variant]`, default this
// host (linux/<GOARCH>). Shared by load (OCI layouts) and pull.
import { UsageError, NotFoundError } from '../runtime/errors.js';
import { ociArchitecture } from './config.js';

export interface Platform { os: string; architecture: string; variant?: string }

export interface IndexEntry { mediaType?: string; digest: string; size?: number; platform?: Partial<Platform>; annotations?: Record<string, string> }

export function hostPlatform(): Platform {
  return { os: 'linux', architecture: ociArchitecture() };
}

/** `linux/arm64/v8` → Platform; throws UsageError otherwise. */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant, extra] = s.split('/');
  if (!os || !architecture || extra !== undefined) {
    throw new UsageError(`invalid platform \`${s}\``, 'use os/arch[/variant], e.g. `linux/amd64` or `linux/arm64/v8`');
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** The entry for `want` (variant only compared when asked for); throws NotFoundError listing what there is. */
export function selectPlatform(entries: readonly IndexEntry[], want: Platform, what: string): IndexEntry {
  const match = entries.find((e) => e.platform?.os === want.os && e.platform.architecture === want.architecture
    && (want.variant === undefined || e.platform.variant === want.variant));
  if (match) return match;
  const have = entries.map((e) => [e.platform?.os, e.platform?.architecture, e.platform?.variant].filter(Boolean).join('/')).filter(Boolean);
  throw new NotFoundError(`${what} has no image for ${formatPlatform(want)}`, `available: ${have.join(', ') || 'none'}; choose one with --platform`);
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
