// Second pass of layer extraction: owners, modes and mtimes, applied after every entry exists. chown clears
// setuid/setgid, so the mode is set after it; children change a directory's mtime, so times go last.
import { chmodSync, lchownSync, lstatSync, lutimesSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { EntryKind } from './unpack-guard.js';

export interface EntryMeta {
  kind: Exclude<EntryKind, 'hardlink'>;
  uid: number;
  gid: number;
  mode: number;
  mtime?: Date | undefined;
}

export interface FixupResult {
  /** chowns refused (EPERM/EINVAL: an id outside the user namespace's mapping). */
  chownFailed: number;
  /** One example for the warning: `path` (uid:gid). */
  chownExample?: string;
}

function matches(kind: EntryMeta['kind'], st: Stats): boolean {
  return kind === 'dir' ? st.isDirectory() : kind === 'symlink' ? st.isSymbolicLink() : st.isFile();
}

/**
 * Applies `metas` (normalized relative path → metadata) under `root`. Paths were vetted by PathGuard, so no
 * parent is a symlink; every call still uses the l* variant, and a path whose type changed is left alone.
 */
export function applyEntryMeta(root: string, metas: ReadonlyMap<string, EntryMeta>): FixupResult {
  const res: FixupResult = { chownFailed: 0 };
  for (const [rel, m] of metas) {
    const abs = rel === '.' ? root : join(root, rel);
    let st: Stats;
    try { st = lstatSync(abs); } catch { continue; }
    if (!matches(m.kind, st)) continue;
    if (st.uid !== m.uid || st.gid !== m.gid) {
      try {
        lchownSync(abs, m.uid, m.gid);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'EINVAL') throw err;
        res.chownFailed++;
        res.chownExample ??= `\`${rel}\` (${m.uid}:${m.gid})`;
      }
    }
    if (m.kind !== 'symlink') chmodSync(abs, m.mode & 0o7777);
    if (m.mtime) lutimesSync(abs, m.mtime, m.mtime);
  }
  return res;
}
