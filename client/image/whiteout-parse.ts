// OCI whiteout entry names (image-spec layer.md "Whiteouts"), classified without touching the filesystem. Pure:
// the unpack worker uses it per entry and loads the marker writer (whiteouts.ts, which needs koffi) only if needed.
import { posix } from 'node:path';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type XattrPrefix = 'user' | 'trusted';
export type WhiteoutFormat = 'chardev' | 'xattr';

export type Whiteout = { kind: 'opaque'; dir: string } | { kind: 'whiteout'; dir: string; name: string };

/** Classifies a normalized entry path (`a/b/.wh.c`); undefined for ordinary entries. */
export function parseWhiteout(path: string): Whiteout | undefined {
  const base = posix.basename(path);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = posix.dirname(path);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..' || name.startsWith(WHITEOUT_PREFIX)) return undefined;
  return { kind: 'whiteout', dir, name };
}

