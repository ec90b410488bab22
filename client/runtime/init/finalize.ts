// The last steps of the init, after pivot_root, in this order: session and terminal, hostname, user lookup,
// working dir, capability bounding set, groups/gid/uid (keeping caps), capability sets, no_new_privs, exec
// lookup, fd table, signals, execve. Synchronous on the main thread: caps, prctl and setsid are per thread.
import { mkdirSync, readFileSync } from 'node:fs';
import { capGet, capMask, capSet, clearAmbient, dropBoundingExcept, setKeepCaps, setNoNewPrivs } from '../../../sys/caps.js';
import { closeRange, dup2, setCloexec, setControllingTty } from '../../../sys/fd.js';
import { execve } from '../../../sys/exec.js';
import { chdir, sethostname, setgroups, setParentDeathSignal, setresgid, setresuid, setsid } from '../../../sys/process.js';
import { resetSignalDispositions, unblockAllSignals } from '../../../sys/signals.js';
import { SyscallError } from '../../../sys/check.js';
import { errnoText } from '../../../sys/errno.js';
import type { ProcessSpec } from '../../../protocol/init-sync.js';
import { parseGroup, parsePasswd, resolveUser } from './user.js';
import { ExecLookupError, lookupExecutable } from './lookup.js';

const SIGKILL = 9;

function readOr(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

/** Everything up to (not including) execve; returns what to exec. Throws MyctrError on a user error. */
export function prepareExec(p: ProcessSpec, terminalFd: number | undefined): { path: string; env: string[] } {
  setsid();
  if (terminalFd !== undefined) {
    setControllingTty(terminalFd);
    for (const fd of [0, 1, 2]) dup2(terminalFd, fd);
  }
  sethostname(p.hostname);
  const user = resolveUser(p.user, parsePasswd(readOr('/etc/passwd')), parseGroup(readOr('/etc/group')), p.groupAdd);
  const env = p.env.some((e) => e.startsWith('HOME=')) ? [...p.env] : [...p.env, `HOME=${user.home}`];
  // As runc: a missing working directory is created (by root, before the switch to the user).
  mkdirSync(p.cwd, { recursive: true });
  chdir(p.cwd);

  // Only what this process holds can be kept: as real root the host's bounding set may lack some caps.
  const keep = capMask(p.capabilities) & capGet().permitted;
  dropBoundingExcept(keep);
  try {
    setgroups(user.groups);
  } catch (err) {
    // Under a single-id mapping setgroups is denied (user_namespaces(7)); the process keeps no groups then.
    if (!(err instanceof SyscallError && err.errnoName === 'EPERM' && readOr('/proc/self/setgroups').startsWith('deny'))) throw err;
  }
  setKeepCaps(true);
  setresgid(user.gid, user.gid, user.gid);
  setresuid(user.uid, user.uid, user.uid);
  // Inheritable stays empty for non-root users: CVE-2022-24769 (moby) — inheritable caps let a user gain
  // file-inheritable capabilities across exec.
  capSet({ effective: keep, permitted: keep, inheritable: user.uid === 0 ? keep : 0n });
  setKeepCaps(false);
  clearAmbient();
  // The parent-death signal is cleared by a credential change (prctl(2)); re-arm it so the workload dies
  // with its parent, unshare.
  setParentDeathSignal(SIGKILL);
  if (p.noNewPrivileges) setNoNewPrivs();
  const path = lookupExecutable(p.args[0]!, env, p.cwd);
  return { path, env };
}

/** Clears CLOEXEC on 0-2, marks every other fd CLOEXEC (fd 3 closing is the parent's "exec succeeded"), resets
 *  signal state (Node ignores SIGPIPE; ignored dispositions survive execve) and execs. Never returns.
 *  `beforeExec` runs last, when everything of this start but the execve has run (the code cache's moment). */
export function execWorkload(path: string, args: string[], env: string[], beforeExec?: () => void): never {
  for (const fd of [0, 1, 2]) setCloexec(fd, false);
  closeRange(3, 0xffffffff, { cloexec: true });
  resetSignalDispositions();
  unblockAllSignals();
  beforeExec?.();
  try {
    return execve(path, args, env);
  } catch (err) {
    if (err instanceof SyscallError) {
      const code = err.errnoName === 'ENOENT' ? 127 : 126;
      throw new ExecLookupError(code, `exec \`${args[0]}\`: ${errnoText(err.errno)}`,
        code === 127 ? 'a script\'s interpreter may be missing from the image' : 'the file must be an executable for this architecture');
    }
    throw err;
  }
}
