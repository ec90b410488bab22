// The container rootfs from the image layers, in the init's user + mount namespace before pivot_root (runs in
// the init: static imports only, synchronous). Drivers in order (docs/STORAGE.md "Container rootfs"):
//  1. kernel overlayfs (`userxattr` in a user namespace);
//  2. fuse-overlayfs, when the host side found it usable: it daemonizes inside the container's namespaces, so it
//     dies with the pid namespace and its mount with the mount namespace — nothing outlives the container;
//  3. a flattened copy of the layers (whiteouts applied), bind-mounted.
// `op.driver` forces one; a forced driver that fails is an error, never a silent fallback.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import type { Sys } from '../../../sys/sys.js';
import { SyscallError } from '../../../sys/check.js';
import { MNT } from '../../../sys/constants.js';
import { flattenLayers } from '../../image/flatten.js';
import type { SetupOp } from './ops.js';
import { childProcess } from '../../lazy-builtins.js';

/** util-linux unshare, which myctr needs anyway (docs/ARCHITECTURE.md). */
const UNSHARE = '/usr/bin/unshare';

type RootfsOp = Extract<SetupOp, { kind: 'rootfs-overlay' }>;
export type RootfsLog = (level: 'debug' | 'warn', msg: string) => void;

/** Mounts the rootfs at `op.target`; returns the driver used. */
export function mountRootfs(op: RootfsOp, sys: Sys, log: RootfsLog, inUserns: boolean): 'overlay' | 'fuse-overlayfs' | 'copy' {
  mkdirSync(op.target, { recursive: true, mode: 0o755 });
  const data = `lowerdir=${[...op.lower].reverse().join(':')},upperdir=${op.upper},workdir=${op.work}`;
  const refused: string[] = [];
  if (op.driver === undefined || op.driver === 'overlay') {
    try {
      // In a user namespace overlayfs stores its whiteouts and opaque markers as user.* xattrs.
      sys.mount('overlay', op.target, 'overlay', 0, inUserns ? `${data},userxattr` : data);
      return 'overlay';
    } catch (err) {
      if (!(err instanceof SyscallError) || op.driver === 'overlay') throw err;
      refused.push(`overlay refused (${err.errnoName})`);
    }
  }
  if ((op.driver === undefined || op.driver === 'fuse-overlayfs') && op.fuseOverlayfs !== undefined) {
    const why = mountFuseOverlayfs(sys, op.fuseOverlayfs, data, op.target);
    if (why === undefined) {
      if (refused.length) log('debug', `${refused.join('; ')}; mounted the rootfs with fuse-overlayfs`);
      return 'fuse-overlayfs';
    }
    if (op.driver === 'fuse-overlayfs') throw new Error(why);
    refused.push(why);
  } else if (op.driver === 'fuse-overlayfs') {
    throw new Error('fuse-overlayfs is not usable here');
  }
  if (op.driver === undefined) log('warn', `${refused.join('; ')}; copying the image into the container instead`);
  mkdirSync(op.copyFallback, { recursive: true, mode: 0o755 });
  flattenLayers(op.lower, op.copyFallback); // applies the layers' whiteouts (client/image/flatten.ts)
  sys.bindMount(op.copyFallback, op.target, { recursive: false, readonly: false });
  return 'copy';
}

/**
 * fuse-overlayfs on `target`. The init mounts the fuse connection itself (an fd of /dev/fuse, `fd=N`) and starts
 * fuse-overlayfs on `/dev/fd/3` (libfuse then serves the fd its caller mounted) in a mount namespace of its own
 * (`unshare --mount`, a copy of this one). In the init's namespace, the coming pivot_root would move the daemon's
 * root onto its own mount and detach /proc from it, and its `/proc/self/fd/…` lookups would then hang or fail.
 * The daemonized process keeps serving until the pid namespace dies. Returns undefined on success, else a
 * one-line reason (and leaves nothing mounted).
 */
function mountFuseOverlayfs(sys: Sys, bin: string, data: string, target: string): string | undefined {
  let fd: number;
  try { fd = openSync('/dev/fuse', 'r+'); } catch (err) { return `fuse-overlayfs: open /dev/fuse: ${(err as Error).message}`; }
  let mounted = false;
  try {
    sys.mount('fuse-overlayfs', target, 'fuse.fuse-overlayfs', 0,
      `fd=${fd},rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other`);
    mounted = true;
    const r = childProcess().spawnSync(UNSHARE, ['--mount', '--propagation', 'private', bin, '-o', data, '/dev/fd/3'],
      { stdio: ['ignore', 'ignore', 'pipe', fd], encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) { mounted = false; return undefined; }
    // fuse-overlayfs prints notes such as "unknown argument ignored: lazytime" even when it works.
    const msg = r.error?.message ?? r.stderr.trim().split('\n').filter((l) => !/unknown argument ignored/.test(l)).pop();
    return `fuse-overlayfs failed (${r.signal ?? `exit ${r.status}`})${msg ? `: ${msg}` : ''}`;
  } catch (err) {
    return `fuse-overlayfs: ${(err as Error).message}`;
  } finally {
    closeSync(fd);
    if (mounted) {
      try { sys.umount2(target, MNT.DETACH); } catch { /* the fallback then fails loudly on the busy target */ }
    }
  }
}
