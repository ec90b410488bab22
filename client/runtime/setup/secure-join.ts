// secureJoin: resolve a container path inside the rootfs as the container would see it, so that a symlink
// in an image (`/etc/resolv.conf -> /host/thing`, `vol -> ../../..`) can never send a mount out of the
// rootfs (CVE-2021-30465 class). Safe without a race: no process of the container exists during setup.
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

const MAX_LINKS = 255;

/**
 * Returns `root` + the resolved `path`, following symlinks as if `root` were `/` and clamping `..` at it.
 * Components that do not exist are appended literally (the caller creates them).
 */
export function secureJoin(root: string, path: string): string {
  let pending = path.split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') { resolved.pop(); continue; }
    const candidate = posix.join(root, ...resolved, part);
    let isLink = false;
    try { isLink = lstatSync(candidate).isSymbolicLink(); } catch { /* missing: keep literally */ }
    if (!isLink) { resolved.push(part); continue; }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links resolving \`${path}\``), { code: 'ELOOP' });
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter(Boolean), ...pending];
  }
  return posix.join(root, ...resolved);
}
