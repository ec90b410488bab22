// Typed wrappers for mount(2), umount2(2), pivot_root(2) and statvfs(3) mount flags. Runs in the container
// init after pivot_root too, so it only has static imports.
import { readFileSync, realpathSync } from 'node:fs';
import { check, cString, isErrno } from './check.js';
import { MS, ST } from './constants.js';
import * as libc from './libc.js';

/** pivot_root(2) has no glibc wrapper; its number differs between the two supported architectures. */
const SYS_PIVOT_ROOT: Partial<Record<NodeJS.Architecture, number>> = { x64: 155, arm64: 41 };

/** mount_setattr(2) (Linux 5.12): the same number on both architectures. */
const SYS_MOUNT_SETATTR = 442;
const AT_FDCWD = -100;
const AT_RECURSIVE = 0x8000;
const MOUNT_ATTR_RDONLY = 0x1;

/** Flags worth showing in an error subject, in the order they are printed. */
const FLAG_LABELS: readonly (readonly [number, string])[] = [
  [MS.REMOUNT, 'remount'], [MS.BIND, 'bind'], [MS.MOVE, 'move'], [MS.REC, 'rec'], [MS.RDONLY, 'ro'],
  [MS.PRIVATE, 'private'], [MS.SLAVE, 'slave'], [MS.SHARED, 'shared'], [MS.UNBINDABLE, 'unbindable'],
];

/** statvfs f_flag bit → the mount(2) flag that sets it. */
const ST_TO_MS: readonly (readonly [number, number])[] = [
  [ST.RDONLY, MS.RDONLY], [ST.NOSUID, MS.NOSUID], [ST.NODEV, MS.NODEV], [ST.NOEXEC, MS.NOEXEC],
  [ST.NOATIME, MS.NOATIME], [ST.NODIRATIME, MS.NODIRATIME], [ST.RELATIME, MS.RELATIME],
  [ST.NOSYMFOLLOW, MS.NOSYMFOLLOW],
];

function describe(source: string | null, target: string, fstype: string | null, flags: number): string {
  const labels = FLAG_LABELS.filter(([f]) => (flags & f) !== 0).map(([, l]) => l);
  const what = source ?? fstype ?? 'none';
  const type = fstype !== null && fstype !== what ? ` type \`${fstype}\`` : '';
  return `\`${what}\` on \`${target}\`${type}${labels.length ? ` (${labels.join(',')})` : ''}`;
}

/**
 * mount(2). Throws SyscallError, e.g. "mount `proc` on `/x/proc`: EPERM (operation not permitted)".
 * `flags` is a bitwise OR of {@link MS} values; `data` is the fs-specific option string.
 */
export function mount(
  source: string | null, target: string, fstype: string | null, flags: number, data: string | null,
): void {
  const subject = describe(source, target, fstype, flags);
  check('mount', subject, libc.mount(
    source === null ? null : cString('mount source', source), cString('mount target', target),
    fstype === null ? null : cString('fstype', fstype), flags, data === null ? null : cString('mount data', data),
  ));
}

/** umount2(2) with {@link MNT} flags (MNT.DETACH for a lazy unmount). */
export function umount2(target: string, flags: number): void {
  check('umount2', `\`${target}\``, libc.umount2(cString('umount target', target), flags));
}

/**
 * pivot_root(2): makes `newRoot` the root mount and moves the old root to `putOld`. Calling it as
 * pivotRoot('.', '.') after chdir(newRoot) stacks the old root on top, to be removed with
 * umount2('.', MNT.DETACH) (the runc/youki idiom, no put_old directory needed).
 */
export function pivotRoot(newRoot: string, putOld: string): void {
  const nr = SYS_PIVOT_ROOT[process.arch];
  if (nr === undefined) throw new Error(`pivot_root: unsupported architecture \`${process.arch}\``);
  check('pivot_root', `\`${newRoot}\` (old root to \`${putOld}\`)`,
    libc.syscall(nr, 'const char *', cString('new root', newRoot), 'const char *', cString('put_old', putOld)));
}

/**
 * The flags currently set on the mount containing `path`, as mount(2) MS_* bits: MS.RDONLY, NOSUID, NODEV,
 * NOEXEC, NOATIME, NODIRATIME, RELATIME and NOSYMFOLLOW (from statvfs(3) f_flag). A remount inside a user
 * namespace must repeat the flags the kernel has locked (mount_namespaces(7)), or it fails with EPERM.
 */
export function mountFlagsOf(path: string): number {
  const out: libc.StatvfsOut = {};
  check('statvfs', `\`${path}\``, libc.statvfs(cString('statvfs path', path), out));
  const stFlags = out.f_flag ?? 0;
  let flags = 0;
  for (const [st, ms] of ST_TO_MS) if ((stFlags & st) !== 0) flags |= ms;
  return flags;
}

/**
 * Makes the mount at `target` read-only: MS_REMOUNT|MS_RDONLY (+MS_BIND for a bind mount, which changes only
 * this mount point, not the filesystem) plus the flags already on it (see {@link mountFlagsOf}). Not
 * recursive: submounts keep their own flags.
 */
export function remountReadOnly(target: string, opts: { bind: boolean }): void {
  const flags = MS.REMOUNT | MS.RDONLY | (opts.bind ? MS.BIND : 0) | mountFlagsOf(target);
  mount(null, target, null, flags, null);
}

/**
 * Bind-mounts `source` on `target` (MS_REC when `recursive`), then makes it read-only when `readonly`: the
 * top mount with {@link remountReadOnly}, and with `recursive` every submount too (see
 * {@link makeTreeReadOnly}), so that a read-only volume cannot be written through a mount nested in it.
 */
export function bindMount(source: string, target: string, opts: { recursive: boolean; readonly: boolean }): void {
  mount(source, target, null, MS.BIND | (opts.recursive ? MS.REC : 0), null);
  if (!opts.readonly) return;
  remountReadOnly(target, { bind: true });
  if (opts.recursive) makeTreeReadOnly(target);
}

/**
 * Makes the mount at `target` and every mount below it read-only: mount_setattr(2) with AT_RECURSIVE and
 * MOUNT_ATTR_RDONLY, or on kernels without it (ENOSYS, < 5.12) a {@link remountReadOnly} of each submount
 * listed in /proc/self/mountinfo.
 */
export function makeTreeReadOnly(target: string): void {
  const attr = Buffer.alloc(32); // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
  attr.writeBigUInt64LE(BigInt(MOUNT_ATTR_RDONLY), 0);
  try {
    check('mount_setattr', `\`${target}\` (ro, recursive)`, libc.syscall(SYS_MOUNT_SETATTR, 'long', AT_FDCWD,
      'const char *', cString('mount target', target), 'long', AT_RECURSIVE, 'void *', attr,
      'long', attr.length));
  } catch (err) {
    if (!isErrno(err, 'ENOSYS')) throw err;
    for (const sub of submountsOf(target)) remountReadOnly(sub, { bind: true });
  }
}

/** Mount points strictly below `target`, from /proc/self/mountinfo (field 5, octal escapes decoded). */
function submountsOf(target: string): string[] {
  const root = realpathSync(target);
  const prefix = root === '/' ? '/' : `${root}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mp): mp is string => mp !== undefined)
    .map((mp) => mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))))
    .filter((mp) => mp.startsWith(prefix) && mp !== root);
}
