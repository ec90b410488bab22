// The last-resort rootfs when the kernel refuses overlay: the layers copied into one dir, bottom first, with the
// whiteouts applied as overlayfs would (a 0/0 char device or an xattr whiteout deletes the name below; an
// opaque dir hides everything below it). Synchronous: it runs in the container init before pivot_root.
import { lstatSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { getXattr } from '../../sys/xattr.js';
import { childProcess } from '../lazy-builtins.js';

const PREFIXES = ['user', 'trusted'] as const;

function isMarker(abs: string, st: Stats): boolean {
  if (st.isCharacterDevice() && st.rdev === 0) return true;
  return st.isFile() && st.size === 0 && PREFIXES.some((p) => getXattr(abs, `${p}.overlay.whiteout`) !== undefined);
}

function isOpaque(abs: string): boolean {
  return PREFIXES.some((p) => getXattr(abs, `${p}.overlay.opaque`) === 'y');
}

/** Whiteout markers and opaque dirs of one layer dir (relative paths). */
export function layerMarkers(layer: string): { whiteouts: string[]; opaque: string[] } {
  const out = { whiteouts: [] as string[], opaque: [] as string[] };
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel ? join(layer, rel) : layer)) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = join(layer, r);
      const st = lstatSync(abs);
      if (isMarker(abs, st)) out.whiteouts.push(r);
      else if (st.isDirectory()) {
        if (isOpaque(abs)) out.opaque.push(r);
        walk(r);
      }
    }
  };
  walk('');
  return out;
}

/** Copies `lowers` (bottom first) into `dest` applying whiteouts; `dest` must exist. */
export function flattenLayers(lowers: readonly string[], dest: string): void {
  for (const layer of lowers) {
    const m = layerMarkers(layer);
    // Deletions first: `cp` cannot put a marker (a non-directory) over a directory, and must not merge into
    // an opaque dir's old contents.
    for (const r of m.whiteouts) rmSync(join(dest, r), { recursive: true, force: true });
    for (const r of m.opaque) {
      const d = join(dest, r);
      let names: string[] = [];
      try { names = readdirSync(d); } catch { /* new here */ }
      for (const n of names) rmSync(join(d, n), { recursive: true, force: true });
    }
    const cp = childProcess().spawnSync('cp', ['-a', '--', `${layer}/.`, dest], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp -a \`${layer}\`: ${cp.stderr.trim() || cp.error?.message}`);
    for (const r of m.whiteouts) rmSync(join(dest, r), { force: true });
  }
}
