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

/**
 * `dir` is a directory (not a link to one): rmdir at once, which is all an empty one needs (most of a record's:
 * upper/, rootfs/, overlayfs's work/work, which is unreadable, mode 000); else its entries, then itself. A
 * directory that is not empty and cannot be read fails with the readdir's EACCES (the caller's fallback).
 */
function removeDir(dir: string): void {
  try {
    rmdirSync(dir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  for (const e of readdirSync(dir, { withFileTypes: true })) {
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
