// COPY/ADD from a source root (the build context or another stage's filesystem): expand the patterns, walk
// directories (minus ignored paths), and list what to create where. Also the content hash the layer cache is
// keyed on: paths, types, modes, sizes, bytes and link targets — never mtimes or owners.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { secureJoin } from '../runtime/setup/secure-join.js';
import { expandPattern, hasWildcard } from './glob.js';
import type { IgnoreMatcher } from './ignore.js';

/** One thing to create in the layer. `src` is absolute in the caller's view; `dest` is a container path. */
export interface CopyEntry {
  src: string;
  dest: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtimeMs: number;
  /** ADD of a local archive: extract into `dest` instead of copying. */
  extract?: boolean;
  /** The destination of a copied directory: created 0755 when missing, an existing one is left as it is. */
  top?: boolean;
}

export class SourceError extends Error {}

/**
 * Where each source lands (Docker's rules): into `dest/` when dest ends in `/`, when there are several
 * sources or a wildcard; a directory's *contents* are copied; a single file to a non-directory dest is
 * renamed. `destIsDir(path)` says whether the destination already is a directory in the stage.
 */
export function planCopy(opts: {
  root: string; sources: readonly string[]; dest: string; ignore?: IgnoreMatcher; destIsDir: (p: string) => boolean;
  isArchive?: (abs: string) => boolean;
}): CopyEntry[] {
  const { root, dest } = opts;
  const many = opts.sources.length > 1 || opts.sources.some(hasWildcard);
  const intoDir = dest.endsWith('/') || many || opts.destIsDir(dest);
  const out: CopyEntry[] = [];
  for (const pattern of opts.sources) {
    const matches = expandPattern(root, pattern).filter((m) => m === '.' || !opts.ignore?.ignores(m) || isDirWithExceptions(root, m, opts.ignore));
    if (matches.length === 0) {
      if (hasWildcard(pattern)) continue; // Docker: a wildcard matching nothing is not an error if another source matched
      throw new SourceError(`\`${pattern}\`: no such file or directory in the build context`);
    }
    for (const m of matches) {
      const abs = secureJoin(root, m);
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        const base = intoDir && hasWildcard(pattern) ? posix.join(dest, posix.basename(m)) : dest;
        walk(root, m, abs, base, opts.ignore, out, true);
      } else if (opts.isArchive?.(abs)) {
        out.push({ src: abs, dest: dest.endsWith('/') ? dest : `${dest}/`, type: 'file', mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, extract: true });
      } else {
        const target = intoDir ? posix.join(dest, posix.basename(m === '.' ? abs : m)) : dest;
        out.push(entryOf(abs, target));
      }
    }
  }
  if (out.length === 0) throw new SourceError(`no source files were specified (${opts.sources.join(' ')})`);
  return out;
}

function isDirWithExceptions(root: string, rel: string, ignore: IgnoreMatcher | undefined): boolean {
  if (!ignore?.hasExceptions) return false;
  try { return lstatSync(secureJoin(root, rel)).isDirectory(); } catch { return false; }
}

function entryOf(abs: string, dest: string): CopyEntry {
  const st = lstatSync(abs);
  const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file';
  if (!st.isDirectory() && !st.isSymbolicLink() && !st.isFile()) throw new SourceError(`\`${abs}\`: not a regular file, directory or symlink`);
  return { src: abs, dest, type, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
}

/** Walks `abs` (context path `rel`) into entries under `dest`; ignored paths are skipped. */
function walk(root: string, rel: string, abs: string, dest: string, ignore: IgnoreMatcher | undefined, out: CopyEntry[], top: boolean): void {
  // Docker copies a directory's contents, not the directory: its own mode and times do not travel.
  const self: CopyEntry = top ? { src: abs, dest, type: 'dir', mode: 0o755, mtimeMs: 0, top: true } : entryOf(abs, dest);
  const excluded = !top && ignore?.ignores(rel);
  const mark = out.length;
  if (!excluded || top) out.push(self);
  if (excluded && !ignore?.hasExceptions) return;
  for (const name of readdirSync(abs).sort()) {
    const childRel = rel === '.' ? name : `${rel}/${name}`;
    const childAbs = posix.join(abs, name);
    const st = lstatSync(childAbs);
    if (st.isDirectory()) walk(root, childRel, childAbs, posix.join(dest, name), ignore, out, false);
    else if (!ignore?.ignores(childRel)) out.push(entryOf(childAbs, posix.join(dest, name)));
  }
  // An excluded directory that holds an exception is created implicitly (Docker does the same).
  if (excluded && out.length > mark) out.splice(mark, 0, self);
}

/** sha256 over the entries' destinations, types, modes and content: the cache key part of a COPY. */
export function hashEntries(entries: readonly CopyEntry[]): string {
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(`${e.dest}\0${e.type}\0${e.mode.toString(8)}\0${e.extract ? 'x' : ''}${e.top ? 't' : ''}\0`);
    if (e.type === 'file') h.update(createHash('sha256').update(readFileSync(e.src)).digest());
    else if (e.type === 'symlink') h.update(readlinkSync(e.src));
    h.update('\n');
  }
  return h.digest('hex');
}
