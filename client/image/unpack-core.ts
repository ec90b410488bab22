// Extracting one plain layer tar into a new dir: PathGuard vets every entry before anything is written, OCI
// whiteouts are recorded and written as overlay markers at the end, then owners/modes/times (unpack-fixup).
// Used by the unpack worker (rootless: inside the user namespace) and in-process as real root (no spawn).
import { mkdirSync } from 'node:fs';
import { UnpackSync, type ReadEntry } from 'tar';
import { applyEntryMeta, type EntryMeta } from './unpack-fixup.js';
import { entryKind, PathGuard, UnsafeEntryError } from './unpack-guard.js';
import type { UnpackResult } from './unpack-result.js';
import { parseWhiteout, type Whiteout, type WhiteoutFormat, type XattrPrefix } from './whiteout-parse.js';

export type UnpackDone = Extract<UnpackResult, { type: 'unpack-done' }>;

/** The reply for a failure: `unsafe` when the archive tried to leave its directory. */
export function unpackErrorOf(err: unknown): Extract<UnpackResult, { type: 'unpack-error' }> {
  if (err instanceof UnsafeEntryError) return { type: 'unpack-error', message: err.message, unsafe: true };
  const e = err as NodeJS.ErrnoException & { tarCode?: string };
  const detail = e.tarCode && e.tarCode !== e.code ? `${e.tarCode}: ${e.message}` : (e.message ?? String(err));
  return { type: 'unpack-error', message: detail, unsafe: false };
}

export class LayerUnpacker {
  private readonly guard = new PathGuard();
  private readonly metas = new Map<string, EntryMeta>();
  private readonly skipped: Record<string, number> = {};
  private readonly whiteouts: Whiteout[] = [];
  private entries = 0;
  private first = true;
  private error: unknown;
  private readonly unpack: UnpackSync;

  /** Creates `dest` (must not exist). Modes come from the archive: run with umask 0. */
  constructor(private readonly dest: string, private readonly prefix: XattrPrefix, private readonly format: WhiteoutFormat) {
    mkdirSync(dest, { mode: 0o755 });
    // preservePaths turns off tar's own path handling, which would strip `/` silently and refuse legitimate
    // symlinks whose *targets* cross other symlinks (/lib64/ld… → /lib/… on usrmerge). PathGuard replaces it.
    this.unpack = new UnpackSync({
      cwd: dest, preservePaths: true, preserveOwner: false, noMtime: true, strict: true, dmode: 0o755, fmode: 0o644, brotli: false,
      filter: (_path, entry) => {
        try { return this.onEntry(entry as ReadEntry); } catch (err) { this.error ??= err; return false; }
      },
    });
    this.unpack.on('error', (err: unknown) => { this.error ??= err; });
  }

  /** Feeds tar bytes; throws the first failure (an unsafe entry, a tar error). */
  write(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      if ((chunk[0] === 0x1f && chunk[1] === 0x8b) || chunk.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) {
        throw new Error('the archive is compressed twice');
      }
    }
    this.unpack.write(chunk);
    if (this.error !== undefined) throw this.error;
  }

  async finish(): Promise<UnpackDone> {
    this.unpack.end();
    if (this.error !== undefined) throw this.error;
    // Loaded only when needed: it pulls in koffi (sys/xattr), which most layers never need.
    const wh = this.whiteouts.length
      ? (await import('./whiteouts.js')).applyWhiteouts(this.dest, this.whiteouts, this.prefix, this.format)
      : { whiteouts: 0, opaque: 0 };
    const fix = applyEntryMeta(this.dest, this.metas);
    return {
      type: 'unpack-done', entries: this.entries, skipped: this.skipped, chownFailed: fix.chownFailed, whiteouts: wh.whiteouts + wh.opaque,
      ...(fix.chownExample ? { chownExample: fix.chownExample } : {}),
    };
  }

  private onEntry(entry: ReadEntry): boolean {
    if (this.error !== undefined) return false;
    const path = this.guard.check(entry);
    const kind = entryKind(entry.type);
    const wh = kind === 'file' || kind === 'hardlink' ? parseWhiteout(path) : undefined;
    if (wh) {
      this.whiteouts.push(wh);
      return false;
    }
    if (kind === undefined) {
      this.skipped[entry.type] = (this.skipped[entry.type] ?? 0) + 1;
      return false;
    }
    this.entries++;
    if (kind === 'hardlink') return true;
    this.metas.delete(path);
    this.metas.set(path, { kind, uid: entry.uid ?? 0, gid: entry.gid ?? 0, mode: entry.mode ?? (kind === 'dir' ? 0o755 : 0o644), mtime: entry.mtime });
    return true;
  }
}
