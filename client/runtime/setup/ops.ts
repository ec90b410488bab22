// The in-container setup as data (bubblewrap's ordered op list): planned by plan.ts (pure), applied by
// apply.ts inside the new namespaces. Paths are absolute paths in the init's mount namespace before
// pivot_root; ops with a `root` name a container path, resolved inside it without following symlinks out.

import type { StorageDriver } from '../../image/storage-driver.js';

export type SetupOp =
  | { kind: 'make-private' }
  /** A new network namespace starts with `lo` down. */
  | { kind: 'loopback-up' }
  /**
   * The rootfs: overlay of the image layers (setup/rootfs-mount.ts): kernel overlayfs, else fuse-overlayfs (the
   * binary in `fuseOverlayfs`, when usable), else a flattened copy in `copyFallback`; `driver` forces one.
   */
  | { kind: 'rootfs-overlay'; target: string; lower: string[]; upper: string; work: string; copyFallback: string; driver?: StorageDriver; fuseOverlayfs?: string }
  /** A plain directory as rootfs (bind-mounted on itself so that it is a mount point). */
  | { kind: 'rootfs-bind'; target: string; source: string }
  | { kind: 'proc'; target: string }
  | { kind: 'sysfs'; target: string; readonly: boolean; rbindFallback: boolean }
  | { kind: 'cgroup2'; target: string; readonly: boolean }
  /** `root`: when set, `target` is a container path resolved inside it. */
  | { kind: 'tmpfs'; target: string; options: string; flags: number; root?: string }
  | { kind: 'dev-node'; target: string; source: string }
  | { kind: 'devpts'; target: string }
  | { kind: 'mqueue'; target: string }
  | { kind: 'symlink'; path: string; linkTarget: string }
  /** A bind mount; `target` is a container path resolved inside `root`; `file`: the source is a file. */
  | { kind: 'bind'; source: string; target: string; root: string; readonly: boolean; recursive: boolean; file: boolean; optional?: true }
  | { kind: 'mask'; target: string }
  | { kind: 'readonly-path'; target: string }
  | { kind: 'remount-ro'; target: string }
  | { kind: 'pivot-root'; newRoot: string };

export type SetupOpKind = SetupOp['kind'];

export function assertNever(x: never): never {
  throw new Error(`unexpected setup op ${JSON.stringify(x)}`);
}
