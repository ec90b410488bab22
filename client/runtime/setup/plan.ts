// planSetupOps: the container spec → the ordered list of setup ops. Pure; the order is the semantics:
// make-private first, rootfs, kernel filesystems, /dev, the /etc files and volumes, masks, read-only
// remounts, pivot_root last.
import type { SetupOp } from './ops.js';
import type { StorageDriver } from '../../image/storage-driver.js';
import { DEV_NODES, MASKED_PATHS, READONLY_PATHS } from './defaults.js';

// mount(2) flags used in plans (duplicated from sys/constants so that planning stays free of koffi).
const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
const MS_NOEXEC = 0x8;

export interface VolumeMount { type: 'bind'; source: string; destination: string; readonly: boolean; file: boolean }
export interface TmpfsMount { type: 'tmpfs'; destination: string; options: string; flags: number }
export type MountSpec = VolumeMount | TmpfsMount;

export interface PlanInput {
  /** Mount point of the rootfs in the init's mount namespace. */
  rootfs: string;
  layers: { lower: string[]; upper: string; work: string; copyFallback: string; driver?: StorageDriver; fuseOverlayfs?: string } | { dir: string };
  /** Files the parent wrote for /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  etcFiles: { hostname: string; hosts: string; resolvConf: string };
  mounts: readonly MountSpec[];
  privateNetwork: boolean;
  readOnly: boolean;
  privileged: boolean;
}

export function planSetupOps(p: PlanInput): SetupOp[] {
  const r = p.rootfs;
  // Every path given to at() is a fixed absolute one of this file or defaults.ts (no `.`, `..` or `//`), so
  // concatenation is join(): path.join's character loop, cold in a CLI that runs this once, cost ~3 ms.
  const base = r.endsWith('/') ? r.slice(0, -1) : r;
  const at = (path: string) => base + path;
  const ops: SetupOp[] = [{ kind: 'make-private' }];
  if (p.privateNetwork) ops.push({ kind: 'loopback-up' });
  ops.push('dir' in p.layers
    ? { kind: 'rootfs-bind', target: r, source: p.layers.dir }
    : { kind: 'rootfs-overlay', target: r, ...p.layers });
  ops.push({ kind: 'proc', target: at('/proc') });
  // sysfs can be mounted only by the owner of the network namespace; with --network host, bind the host's.
  ops.push({ kind: 'sysfs', target: at('/sys'), readonly: !p.privileged, rbindFallback: !p.privateNetwork });
  ops.push({ kind: 'cgroup2', target: at('/sys/fs/cgroup'), readonly: !p.privileged });
  ops.push({ kind: 'tmpfs', target: at('/dev'), options: 'mode=755,size=65536k', flags: MS_NOSUID | MS_NOEXEC });
  for (const node of DEV_NODES) ops.push({ kind: 'dev-node', target: at(`/dev/${node}`), source: `/dev/${node}` });
  ops.push({ kind: 'devpts', target: at('/dev/pts') });
  ops.push({ kind: 'symlink', path: at('/dev/ptmx'), linkTarget: 'pts/ptmx' });
  ops.push({ kind: 'tmpfs', target: at('/dev/shm'), options: 'mode=1777,size=65536k', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
  ops.push({ kind: 'mqueue', target: at('/dev/mqueue') });
  for (const [name, target] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'],
    ['stderr', '/proc/self/fd/2'], ['core', '/proc/kcore']] as const) {
    ops.push({ kind: 'symlink', path: at(`/dev/${name}`), linkTarget: target });
  }
  const etc: [string, string][] = [['/etc/hostname', p.etcFiles.hostname], ['/etc/hosts', p.etcFiles.hosts],
    ['/etc/resolv.conf', p.etcFiles.resolvConf]];
  for (const [target, source] of etc) {
    ops.push({ kind: 'bind', source, target, root: r, readonly: false, recursive: false, file: true });
  }
  for (const m of p.mounts) {
    if (m.type === 'bind') {
      ops.push({ kind: 'bind', source: m.source, target: m.destination, root: r, readonly: m.readonly, recursive: true, file: m.file });
    } else {
      ops.push({ kind: 'tmpfs', target: m.destination, options: m.options, flags: m.flags, root: r });
    }
  }
  if (!p.privileged) {
    for (const path of MASKED_PATHS) ops.push({ kind: 'mask', target: at(path) });
    for (const path of READONLY_PATHS) ops.push({ kind: 'readonly-path', target: at(path) });
  }
  if (p.readOnly) ops.push({ kind: 'remount-ro', target: r });
  ops.push({ kind: 'pivot-root', newRoot: r });
  return ops;
}
