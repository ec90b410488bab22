// xattr(7) and whiteout nodes for overlayfs layers: opaque markers and xattr whiteouts (`<p>.overlay.*`), the
// 0/0 character-device whiteout (mknod(2)), and reading the markers back (the build's layer walker).
import { check, cString, isErrno } from './check.js';
import * as libc from './libc.js';

const S_IFCHR = 0o020000;

/** The attribute's value as a string, or undefined when the file has none (ENODATA) or the fs has no xattrs. */
export function getXattr(path: string, name: string): string | undefined {
  const buf = Buffer.alloc(4096);
  try {
    const n = Number(check('lgetxattr', `\`${path}\` ${name}`, libc.lgetxattr(cString('path', path), cString('xattr name', name), buf, buf.length)));
    return buf.subarray(0, n).toString();
  } catch (err) {
    if (isErrno(err, 'ENODATA', 'ENOTSUP')) return undefined;
    throw err;
  }
}

/** lsetxattr(2) with a string value (creates or replaces). */
export function setXattr(path: string, name: string, value: string): void {
  const buf = Buffer.from(value);
  check('lsetxattr', `\`${path}\` ${name}`, libc.lsetxattr(cString('path', path), cString('xattr name', name), buf, buf.length, 0));
}

/** Creates the overlayfs whiteout at `path`: a character device 0/0 (any user may make it since Linux 5.8). */
export function mknodWhiteout(path: string): void {
  check('mknod', `\`${path}\` (whiteout)`, libc.mknod(cString('path', path), S_IFCHR | 0o000, 0));
}
