// `myctr diff` (changes in a container's upper dir against its image: A added, C changed, D deleted) and
// `myctr export` (the merged rootfs as a flat tar, made by mounting the overlay in a private mount namespace —
// inside the user namespace when rootless — and running tar there, so owners come out as the container sees them).
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { getXattr } from '../../sys/xattr.js';
import { isRoot } from '../paths.js';
import { MyctrError } from '../runtime/errors.js';
import { waitExit } from '../runtime/start/stage0.js';
import { spawnInUserns } from '../runtime/userns-run.js';

export interface Change { kind: 'A' | 'C' | 'D'; path: string }

function lstatOrUndef(p: string): Stats | undefined {
  try { return lstatSync(p); } catch { return undefined; }
}

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

/** Changes under `upper` relative to the lower layer dirs (bottom first), sorted by path. */
export function upperChanges(upper: string, lowers: readonly string[]): Change[] {
  const out: Change[] = [];
  const inLower = (rel: string) => lowers.some((l) => lstatOrUndef(join(l, rel)) !== undefined);
  const walk = (rel: string) => {
    let names: string[];
    try { names = readdirSync(join(upper, rel)); } catch { return; }
    for (const name of names.sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatOrUndef(join(upper, r));
      if (!st) continue;
      const xw = st.isFile() && st.size === 0 && (getXattr(join(upper, r), 'user.overlay.whiteout') !== undefined || getXattr(join(upper, r), 'trusted.overlay.whiteout') !== undefined);
      if (isWhiteout(st) || xw) { out.push({ kind: 'D', path: `/${r}` }); continue; }
      out.push({ kind: inLower(r) ? 'C' : 'A', path: `/${r}` });
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** Streams the merged rootfs of (lowers + upper) as a tar to `out` (a file descriptor or stream). */
export async function exportRootfs(lowers: readonly string[], upper: string, scratch: string, out: number): Promise<void> {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // Read-only overlay (two+ lowers, no upper/work): nothing of the container changes while it is exported.
  const opts = `lowerdir=${[upper, ...[...lowers].reverse()].join(':')}${isRoot() ? '' : ',userxattr'}`;
  const script = `set -e; mkdir -p ${q(scratch)}; mount -t overlay overlay -o ${q(opts)} ${q(scratch)}; tar --numeric-owner --xattrs -C ${q(scratch)} -cf - .`;
  const argv = isRoot() ? ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script] : ['sh', '-c', script];
  const child = await spawnInUserns({ argv, stdio: ['ignore', out, 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const { code, signal } = await waitExit(child);
  if (code !== 0) throw new MyctrError('MYCTR_IMAGE', `export: ${signal ?? `exit ${code}`}: ${stderr.trim().split('\n').pop() ?? ''}`);
}
