// applySetupOps: one pass over the planned ops inside the container's namespaces, before pivot_root ends it.
// Each failure is wrapped as SetupOpError naming the op index, kind and target. Runs in the init: static
// imports only (STYLE §0.9); no mount here outlives the mount namespace, so nothing needs an undo.
import { existsSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sys } from '../../../sys/sys.js';
import { SyscallError } from '../../../sys/check.js';
import { MyctrError, messageOf } from '../errors.js';
import { assertNever, type SetupOp } from './ops.js';
import { secureJoin } from './secure-join.js';
import { mountRootfs } from './rootfs-mount.js';

import { MNT, MS } from '../../../sys/constants.js';

export type SetupLog = (level: 'debug' | 'warn', msg: string) => void;

export class SetupOpError extends MyctrError {
  override name = 'SetupOpError';
  constructor(readonly index: number, readonly op: SetupOp, cause: unknown) {
    super('MYCTR_SETUP_FAILED', `setup step ${index} (${op.kind}): ${messageOf(cause)}`, {
      cause,
      hint: hintFor(op, cause),
    });
  }
}

function hintFor(op: SetupOp, cause: unknown): string | undefined {
  const errno = cause instanceof SyscallError ? cause.errnoName : (cause as NodeJS.ErrnoException)?.code;
  if (op.kind === 'bind' && errno === 'ENOENT') return 'check that the host path of the volume exists';
  if (errno === 'EPERM' || errno === 'EACCES') {
    return 'the kernel refused this in a user namespace; `myctr info` shows what the host allows (AppArmor/SELinux may restrict it)';
  }
  return undefined;
}

export interface ApplyOptions {
  sys: Sys;
  log: SetupLog;
  inUserns: boolean;
  failOp?: number | undefined;
  /** Log each op as a debug line (built only then: a JSON.stringify per op cost the init ~0.5 ms). */
  debug?: boolean;
  /** Called once before pivot_root, the last moment the host's file system is in view. */
  beforePivot?: () => void;
}

export function applySetupOps(ops: readonly SetupOp[], o: ApplyOptions): void {
  ops.forEach((op, index) => {
    if (o.debug) o.log('debug', `setup op ${index}: ${JSON.stringify(op)}`);
    try {
      if (index === o.failOp) throw new Error('test failure injected');
      if (op.kind === 'pivot-root') o.beforePivot?.();
      applyOne(op, o);
    } catch (err) {
      throw new SetupOpError(index, op, err);
    }
  });
}

function mkdirp(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o755 });
}

/** Creates the mount point for a bind of a file or a directory, refusing a mismatch. */
function ensureMountPoint(path: string, file: boolean): void {
  let st;
  try { st = statSync(path); } catch { st = undefined; }
  if (st) {
    if (file && st.isDirectory()) throw new Error(`\`${path}\` is a directory but the source is a file`);
    if (!file && !st.isDirectory()) throw new Error(`\`${path}\` is not a directory but the source is one`);
    return;
  }
  if (file) {
    mkdirp(dirname(path));
    writeFileSync(path, '', { mode: 0o644 });
  } else {
    mkdirp(path);
  }
}

function applyOne(op: SetupOp, { sys, log, inUserns }: ApplyOptions): void {
  switch (op.kind) {
    case 'make-private':
      sys.mount(null, '/', null, MS.REC | MS.PRIVATE, null);
      return;
    case 'loopback-up':
      sys.interfaceUp('lo');
      return;
    case 'rootfs-overlay':
      mountRootfs(op, sys, log, inUserns);
      return;
    case 'rootfs-bind':
      mkdirp(op.target);
      sys.bindMount(op.source, op.target, { recursive: false, readonly: false });
      return;
    case 'proc':
      mkdirp(op.target);
      sys.mount('proc', op.target, 'proc', MS.NOSUID | MS.NODEV | MS.NOEXEC, null);
      return;
    case 'sysfs': {
      mkdirp(op.target);
      const flags = MS.NOSUID | MS.NODEV | MS.NOEXEC | (op.readonly ? MS.RDONLY : 0);
      if (!op.rbindFallback) {
        sys.mount('sysfs', op.target, 'sysfs', flags, null);
      } else {
        sys.bindMount('/sys', op.target, { recursive: true, readonly: op.readonly });
      }
      return;
    }
    case 'cgroup2':
      // Optional: a hybrid host or a non-delegated hierarchy refuses it; the container then has no cgroupfs.
      try {
        sys.mount('cgroup2', op.target, 'cgroup2', MS.NOSUID | MS.NODEV | MS.NOEXEC | (op.readonly ? MS.RDONLY : 0), null);
      } catch (err) {
        log('debug', `cgroup2 not mounted: ${messageOf(err)}`);
      }
      return;
    case 'tmpfs': {
      const target = op.root !== undefined ? secureJoin(op.root, op.target) : op.target;
      mkdirp(target);
      sys.mount('tmpfs', target, 'tmpfs', op.flags, op.options);
      return;
    }
    case 'dev-node':
      writeFileSync(op.target, '', { mode: 0o666 });
      sys.bindMount(op.source, op.target, { recursive: false, readonly: false });
      return;
    case 'devpts': {
      mkdirp(op.target);
      const flags = MS.NOSUID | MS.NOEXEC;
      try {
        sys.mount('devpts', op.target, 'devpts', flags, 'newinstance,ptmxmode=0666,mode=0620,gid=5');
      } catch (err) {
        // gid 5 (tty) is not mapped under a single-id mapping: EINVAL.
        if (!(err instanceof SyscallError) || err.errnoName !== 'EINVAL') throw err;
        sys.mount('devpts', op.target, 'devpts', flags, 'newinstance,ptmxmode=0666,mode=0620');
      }
      return;
    }
    case 'mqueue':
      mkdirp(op.target);
      sys.mount('mqueue', op.target, 'mqueue', MS.NOSUID | MS.NODEV | MS.NOEXEC, null);
      return;
    case 'symlink':
      try { symlinkSync(op.linkTarget, op.path); } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      return;
    case 'bind': {
      const target = secureJoin(op.root, op.target);
      if (op.optional && !existsSync(op.source)) return;
      ensureMountPoint(target, op.file);
      sys.bindMount(op.source, target, { recursive: op.recursive, readonly: op.readonly });
      return;
    }
    case 'mask': {
      let st;
      try { st = lstatSync(op.target); } catch { return; }
      if (st.isDirectory()) sys.mount('tmpfs', op.target, 'tmpfs', MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, 'size=0');
      else sys.bindMount('/dev/null', op.target, { recursive: false, readonly: false });
      return;
    }
    case 'readonly-path':
      if (!existsSync(op.target)) return;
      sys.bindMount(op.target, op.target, { recursive: true, readonly: true });
      return;
    case 'remount-ro':
      sys.remountReadOnly(op.target, { bind: true });
      return;
    case 'pivot-root':
      // pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then drops it
      // (pivot_root(2), the runc/lxc idiom): no put_old directory is needed inside the rootfs.
      sys.chdir(op.newRoot);
      sys.pivotRoot('.', '.');
      sys.umount2('.', MNT.DETACH);
      sys.chdir('/');
      return;
    default:
      assertNever(op);
  }
}
