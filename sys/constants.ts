// Kernel and libc constants as `as const` tables, one man page per group, plus capLastCap(). Values are for
// Linux on x86_64 and aarch64; where the two differ (only some O_* flags) the value is picked by process.arch.
import { readFileSync } from 'node:fs';
import { check, isErrno } from './check.js';
import { prctl } from './libc.js';

const ARM64 = process.arch === 'arm64';

/** mount(2) flags, <linux/mount.h>. */
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOSYMFOLLOW: 0x100,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  MOVE: 0x2000,
  REC: 0x4000,
  SILENT: 0x8000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  STRICTATIME: 0x1000000,
  LAZYTIME: 0x2000000,
} as const;

/** umount2(2) flags. */
export const MNT = { FORCE: 1, DETACH: 2, EXPIRE: 4, UMOUNT_NOFOLLOW: 8 } as const;

/** statvfs(3) f_flag bits (ST_*), as reported for the mount containing a path. */
export const ST = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  MANDLOCK: 64,
  WRITE: 128,
  APPEND: 256,
  IMMUTABLE: 512,
  NOATIME: 1024,
  NODIRATIME: 2048,
  RELATIME: 4096,
  NOSYMFOLLOW: 8192,
} as const;

/** Namespace flags of clone(2) / unshare(2) / setns(2). */
export const CLONE = {
  NEWTIME: 0x80,
  NEWNS: 0x20000,
  NEWCGROUP: 0x2000000,
  NEWUTS: 0x4000000,
  NEWIPC: 0x8000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
} as const;

/** prctl(2) options used by myctr. */
export const PR = {
  SET_PDEATHSIG: 1,
  GET_DUMPABLE: 3,
  SET_DUMPABLE: 4,
  GET_KEEPCAPS: 7,
  SET_KEEPCAPS: 8,
  SET_NAME: 15,
  SET_SECCOMP: 22,
  CAPBSET_READ: 23,
  CAPBSET_DROP: 24,
  SET_CHILD_SUBREAPER: 36,
  SET_NO_NEW_PRIVS: 38,
  GET_NO_NEW_PRIVS: 39,
  CAP_AMBIENT: 47,
} as const;

/** prctl(2) PR_CAP_AMBIENT sub-operations (arg2). */
export const PR_CAP_AMBIENT = { IS_SET: 1, RAISE: 2, LOWER: 3, CLEAR_ALL: 4 } as const;

export { CAPABILITIES, type CapName } from './cap-table.js';

/** capget(2) header version: 64-bit sets as two 32-bit data structs. */
export const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

/** open(2) flags. O_DIRECTORY and O_NOFOLLOW are the only ones here that differ on aarch64. */
export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  NOCTTY: 0o400,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  DIRECTORY: ARM64 ? 0o40000 : 0o200000,
  NOFOLLOW: ARM64 ? 0o100000 : 0o400000,
  CLOEXEC: 0o2000000,
  PATH: 0o10000000,
} as const;

/** fcntl(2) commands and the FD_CLOEXEC descriptor flag. */
export const F = { DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, DUPFD_CLOEXEC: 1030 } as const;
export const FD_CLOEXEC = 1;

/** close_range(2) flags. */
export const CLOSE_RANGE = { UNSHARE: 2, CLOEXEC: 4 } as const;

/**
 * signal(7) numbers. x86_64 and aarch64 both use the asm-generic numbering, so one table serves both
 * (alpha, mips, parisc and sparc differ and are not supported). 32 and 33 are reserved by glibc (NPTL).
 */
export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
  RTMIN: 34, RTMAX: 64, // glibc's SIGRTMIN (the kernel's 32 and 33 are taken by NPTL)
} as const;

/** sigprocmask(2) `how` values. */
export const SIG_HOW = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;

/** socket(2), unix(7) and socket(7) constants (SOL_SOCKET is 1 on both supported architectures). */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const SOCK = { STREAM: 1, DGRAM: 2, SEQPACKET: 5, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 } as const;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_PEERCRED = 17;
export const SCM_RIGHTS = 1;
/** recvmsg(2)/sendmsg(2) flags. */
export const MSG = { CTRUNC: 0x8, NOSIGNAL: 0x4000, CMSG_CLOEXEC: 0x40000000 } as const;

/** ioctl_tty(2) and pty requests (asm-generic values, shared by x86_64 and aarch64). */
export const TIOC = {
  SCTTY: 0x540e,
  GWINSZ: 0x5413,
  SWINSZ: 0x5414,
  GPTN: 0x80045430,
  SPTLCK: 0x40045431,
} as const;

let lastCap: number | undefined;

/**
 * The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap), cached after the first
 * call. When /proc is not mounted (between pivot_root and the container's /proc) it falls back to asking
 * prctl(PR_CAPBSET_READ), which fails with EINVAL for numbers past the last one, as libcap does.
 */
export function capLastCap(): number {
  if (lastCap !== undefined) return lastCap;
  try {
    lastCap = Number.parseInt(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim(), 10);
    if (!Number.isInteger(lastCap)) throw new Error('unparseable');
  } catch {
    lastCap = probeLastCap();
  }
  return lastCap;
}

/** capLastCap() without /proc: the highest n for which prctl(PR_CAPBSET_READ, n) succeeds. */
export function probeLastCap(): number {
  let n = 0;
  for (; n < 63; n++) {
    try {
      check('prctl', `PR_CAPBSET_READ ${n + 1}`, prctl(PR.CAPBSET_READ, 'unsigned long', n + 1,
        'unsigned long', 0, 'unsigned long', 0, 'unsigned long', 0));
    } catch (err) {
      if (isErrno(err, 'EINVAL')) break;
      throw err;
    }
  }
  return n;
}
