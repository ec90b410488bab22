// A RUN container leaves mount points in its upper dir (/proc, /sys, /dev, /etc/hosts, --mount targets…) when
// the stage did not have them: the init created them to mount on. They are not the RUN's work, so they are
// removed from the layer — only if still empty, and only if no lower layer has that path.
import { lstatSync, readdirSync, rmdirSync, unlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';

function lstatOrUndefined(p: string): Stats | undefined {
  try { return lstatSync(p); } catch { return undefined; }
}

/** The topmost lower layer's entry for `path` (lowers bottom first), honouring 0/0 whiteouts. */
export function statInLowers(lowers: readonly string[], path: string): Stats | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return lowers.length ? lstatOrUndefined(lowers[lowers.length - 1]!) : undefined;
  for (let i = lowers.length - 1; i >= 0; i--) {
    let cur = lowers[i]!;
    for (let k = 0; k < parts.length; k++) {
      cur = join(cur, parts[k]!);
      const st = lstatOrUndefined(cur);
      if (!st) break;
      if (st.isCharacterDevice() && st.rdev === 0) return undefined;
      if (k === parts.length - 1) return st;
    }
  }
  return undefined;
}

export function existsInLowers(lowers: readonly string[], path: string): boolean {
  return statInLowers(lowers, path) !== undefined;
}

function isEmptyArtifact(st: Stats, abs: string): boolean {
  if (st.isDirectory()) return readdirSync(abs).length === 0;
  return st.isFile() && st.size === 0;
}

/** Removes the artifacts at `paths` (container paths) and the empty parents created for them. */
export function pruneArtifacts(upper: string, lowers: readonly string[], paths: readonly string[]): void {
  const sorted = [...new Set(paths.map((p) => posix.normalize(p)))].sort((a, b) => b.length - a.length);
  for (const p of sorted) {
    let cur = p;
    while (cur !== '/' && cur !== '.') {
      const abs = join(upper, cur);
      const st = lstatOrUndefined(abs);
      if (!st || !isEmptyArtifact(st, abs) || existsInLowers(lowers, cur)) break;
      if (st.isDirectory()) rmdirSync(abs); else unlinkSync(abs);
      cur = posix.dirname(cur);
    }
  }
}
