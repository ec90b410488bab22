// Removal without fs.rmSync, for the paths a `myctr run` takes (see removeSync).
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `rm -rf path`, synchronously: a file, a socket or a tree; a symbolic link is removed, never followed; a
 * missing path is fine. For the small trees and files on a run's path: fs.rmSync loads and compiles Node's
 * rimraf on its first call, even for one file (~3 ms of a `run --rm`), and lstat()s every entry, where the
 * directory's own entry types are enough.
 */
export function removeSync(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (st.isDirectory()) removeDir(path);
  else unlinkSync(path);
}

/** `dir` is a directory (not a link to one): its entries, then itself. */
function removeDir(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    // Unreadable, as overlayfs leaves its work/work (mode 000): rmdir needs only the parent's permission, and
    // succeeds if it is empty. If it is not, the readdir's EACCES is the error (for the caller's fallback).
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    try {
      rmdirSync(dir);
    } catch {
      throw err;
    }
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      removeDir(p);
      continue;
    }
    try {
      unlinkSync(p);
    } catch (err) {
      // A file system that does not report entry types (DT_UNKNOWN) shows a directory as something else.
      if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
      removeDir(p);
    }
  }
  rmdirSync(dir);
}
