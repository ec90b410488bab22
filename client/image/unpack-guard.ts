// Path safety for layer extraction (pure; the worker calls it for every entry before anything is written).
// Nothing may land outside the layer dir: no absolute paths, no `..`, never through a symlink or a non-directory
// the archive made, hardlinks only to entries inside. Symlink *targets* are stored verbatim and never followed.

export type EntryKind = 'dir' | 'file' | 'symlink' | 'hardlink';

export interface GuardEntry {
  path: string;
  /** tar type name: File, OldFile, ContiguousFile, Directory, GNUDumpDir, SymbolicLink, Link, CharacterDevice… */
  type: string;
  linkpath?: string | undefined;
}

export class UnsafeEntryError extends Error {
  override name = 'UnsafeEntryError';
  constructor(readonly entryPath: string, readonly reason: string) {
    super(`unsafe archive entry \`${entryPath}\`: ${reason}`);
  }
}

const KIND: Record<string, EntryKind> = {
  File: 'file', OldFile: 'file', ContiguousFile: 'file', Directory: 'dir', GNUDumpDir: 'dir',
  SymbolicLink: 'symlink', Link: 'hardlink',
};

/** The tar type's kind, or undefined for special files (devices, FIFOs) and unknown types. */
export function entryKind(type: string): EntryKind | undefined {
  return KIND[type];
}

/**
 * `./a//b/` → `a/b`; the root itself is `.`. Returns an error reason for absolute paths and `..` components.
 * Works on the raw tar path (slash separated, no unicode or Windows games: Linux only).
 */
export function normalizeEntryPath(p: string): { path: string } | { error: string } {
  if (p === '') return { error: 'empty path' };
  if (p.includes('\0')) return { error: 'NUL in path' };
  if (p.startsWith('/')) return { error: 'absolute path' };
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) return { error: 'path contains `..`' };
  return { path: parts.length ? parts.join('/') : '.' };
}

/** Tracks what the archive created so far and vets each entry against it. */
export class PathGuard {
  private readonly kinds = new Map<string, EntryKind>();

  /** Vets one entry; returns its normalized path or throws UnsafeEntryError. Special files pass (path only). */
  check(e: GuardEntry): string {
    const n = normalizeEntryPath(e.path);
    if ('error' in n) throw new UnsafeEntryError(e.path, n.error);
    const path = n.path;
    const kind = entryKind(e.type);
    if (path === '.' && kind !== 'dir') throw new UnsafeEntryError(e.path, 'only a directory may replace the root');
    this.checkParents(e.path, path);
    if (kind === 'hardlink') this.checkHardlinkTarget(e);
    if (kind === undefined) return path;
    const prev = this.kinds.get(path);
    if (prev === 'dir' && kind !== 'dir') {
      // The extractor can only replace an empty directory; forget anything recorded below it.
      for (const k of this.kinds.keys()) if (k.startsWith(`${path}/`)) this.kinds.delete(k);
    }
    this.kinds.set(path, kind);
    return path;
  }

  /** Every proper prefix must be a directory of the archive or not exist yet (then it is made a directory). */
  private checkParents(raw: string, path: string): void {
    if (path === '.') return;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const k = this.kinds.get(prefix);
      if (k === 'symlink') throw new UnsafeEntryError(raw, `path goes through symlink \`${prefix}\``);
      if (k !== undefined && k !== 'dir') throw new UnsafeEntryError(raw, `path goes through non-directory \`${prefix}\``);
    }
  }

  private checkHardlinkTarget(e: GuardEntry): void {
    const target = e.linkpath ?? '';
    const n = normalizeEntryPath(target);
    if ('error' in n) throw new UnsafeEntryError(e.path, `hardlink target \`${target}\`: ${n.error}`);
    if (n.path === '.') throw new UnsafeEntryError(e.path, 'hardlink to the root');
    this.checkParents(e.path, n.path);
    const k = this.kinds.get(n.path);
    if (k === 'dir') throw new UnsafeEntryError(e.path, `hardlink to directory \`${n.path}\``);
    if (k === undefined) throw new UnsafeEntryError(e.path, `hardlink target \`${target}\` is not in the archive (yet)`);
  }
}
