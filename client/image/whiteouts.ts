// OCI whiteouts (`.wh.<name>`, `.wh..wh..opq`) → the markers overlayfs reads in lower layers. The tar entries are
// only recorded while unpacking; markers are written after the tree exists (before owners/times are applied).
// Formats: a 0/0 char device (Linux ≥ 5.8 lets anyone mknod it) or, where mknod is refused, an "xattr whiteout"
// (Linux ≥ 6.7: empty file with `<p>.overlay.whiteout`, parent dir `<p>.overlay.opaque=x`). Opaque dirs get
// `<p>.overlay.opaque=y`. `<p>` is `user` for the userxattr mounts of rootless containers, `trusted` as root.
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../sys/check.js';
import { getXattr, mknodWhiteout, setXattr } from '../../sys/xattr.js';

export { OPAQUE_MARKER, WHITEOUT_PREFIX, parseWhiteout, type Whiteout, type WhiteoutFormat, type XattrPrefix } from './whiteout-parse.js';
import type { Whiteout, WhiteoutFormat, XattrPrefix } from './whiteout-parse.js';

export interface WhiteoutStats { whiteouts: number; opaque: number; format: WhiteoutFormat }

/**
 * Writes the markers under `root`. Entry paths were vetted by PathGuard (no `..`, no symlink parents made by the
 * archive, and the tree was empty before), so joining them to `root` stays inside it.
 */
export function applyWhiteouts(root: string, list: readonly Whiteout[], prefix: XattrPrefix, preferred: WhiteoutFormat): WhiteoutStats {
  const stats: WhiteoutStats = { whiteouts: 0, opaque: 0, format: preferred };
  const opaqueDirs = new Set(list.filter((w) => w.kind === 'opaque').map((w) => w.dir));
  for (const dir of opaqueDirs) {
    const abs = ensureDir(root, dir);
    setXattr(abs, `${prefix}.overlay.opaque`, 'y');
    stats.opaque++;
  }
  for (const w of list) {
    // Inside an opaque dir nothing below shows through anyway, and an xattr whiteout there would be a plain file.
    if (w.kind !== 'whiteout' || opaqueDirs.has(w.dir)) continue;
    const absDir = ensureDir(root, w.dir);
    const abs = join(absDir, w.name);
    if (exists(abs)) continue; // the layer itself re-created the name: its entry wins
    if (stats.format === 'chardev') {
      try {
        mknodWhiteout(abs);
        stats.whiteouts++;
        continue;
      } catch (err) {
        if (!isErrno(err, 'EPERM', 'EACCES')) throw err;
        stats.format = 'xattr';
      }
    }
    writeFileSync(abs, '', { mode: 0o644 });
    setXattr(abs, `${prefix}.overlay.whiteout`, 'y');
    if (getXattr(absDir, `${prefix}.overlay.opaque`) === undefined) setXattr(absDir, `${prefix}.overlay.opaque`, 'x');
    stats.whiteouts++;
  }
  return stats;
}

function ensureDir(root: string, dir: string): string {
  const abs = dir === '.' ? root : join(root, dir);
  mkdirSync(abs, { recursive: true, mode: 0o755 });
  return abs;
}

function exists(p: string): boolean {
  try { lstatSync(p); return true; } catch { return false; }
}
