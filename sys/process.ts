// Process attributes: hostname, session, credentials, cwd, umask, pid, kill. Thin checked wrappers over
// glibc; the credential calls are glibc's (all-threads) wrappers on purpose, see setresuid().
import { check, cString } from './check.js';
import { PR } from './constants.js';
import * as libc from './libc.js';

/** sethostname(2) in the caller's UTS namespace. The kernel limit is 64 bytes (EINVAL beyond). */
export function sethostname(name: string): void {
  const bytes = Buffer.from(cString('hostname', name), 'utf8');
  check('sethostname', `\`${name}\``, libc.sethostname(bytes, bytes.length));
}

/** setsid(2): returns the new session id. Throws EPERM if the caller already leads a process group. */
export function setsid(): number {
  return check('setsid', '', libc.setsid());
}

/**
 * setresuid(2). Credentials are per thread in the kernel; glibc's wrapper (unlike a raw
 * syscall(SYS_setresuid)) broadcasts the change to every thread of the process (nptl "setxid"). Node has
 * several threads, and all of them must carry the new ids before execve, so the wrapper is what we want.
 */
export function setresuid(ruid: number, euid: number, suid: number): void {
  check('setresuid', `${ruid} ${euid} ${suid}`, libc.setresuid(ruid, euid, suid));
}

/** setresgid(2), applied to all threads (see {@link setresuid}). */
export function setresgid(rgid: number, egid: number, sgid: number): void {
  check('setresgid', `${rgid} ${egid} ${sgid}`, libc.setresgid(rgid, egid, sgid));
}

/**
 * setgroups(2), applied to all threads (see {@link setresuid}). In a user namespace it fails with EPERM
 * when /proc/<pid>/setgroups is "deny" (as `unshare --map-root-user` leaves it).
 */
export function setgroups(gids: readonly number[]): void {
  const list = gids.length ? Uint32Array.from(gids) : null;
  check('setgroups', `[${gids.join(',')}]`, libc.setgroups(gids.length, list));
}

/** chdir(2). */
export function chdir(path: string): void {
  check('chdir', `\`${path}\``, libc.chdir(cString('path', path)));
}

/** umask(2): sets the file mode creation mask and returns the previous one. Cannot fail. */
export function umask(mask: number): number {
  return libc.umask(mask);
}

/** getpid(2) as the kernel sees it now (unlike process.pid, which is read once at startup). */
export function getpid(): number {
  return libc.getpid();
}

/** kill(2): sends `sig` (a `SIG` number from constants.ts; 0 only checks that `pid` exists and may be signalled). */
export function kill(pid: number, sig: number): void {
  check('kill', `${pid} with signal ${sig}`, libc.kill(pid, sig));
}

/**
 * prctl(PR_SET_PDEATHSIG): `sig` is sent to the caller when its parent thread dies (0 disarms it). The kernel
 * clears this on any credential change and on execve of a setuid binary, so set it after setresuid().
 */
export function setParentDeathSignal(sig: number): void {
  check('prctl', `PR_SET_PDEATHSIG ${sig}`, libc.prctl(PR.SET_PDEATHSIG, 'unsigned long', sig, 'unsigned long', 0,
    'unsigned long', 0, 'unsigned long', 0));
}

/**
 * prctl(PR_SET_DUMPABLE): a non-dumpable process cannot be ptraced or have its /proc files opened by
 * processes of the same uid without CAP_SYS_PTRACE (runc clears it while it holds host resources).
 */
export function setDumpable(on: boolean): void {
  check('prctl', `PR_SET_DUMPABLE ${on ? 1 : 0}`, libc.prctl(PR.SET_DUMPABLE, 'unsigned long', on ? 1 : 0,
    'unsigned long', 0, 'unsigned long', 0, 'unsigned long', 0));
}
