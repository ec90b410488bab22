// Which driver mounts a container's rootfs from the image layers (docs/STORAGE.md "Container rootfs"):
// kernel overlayfs, fuse-overlayfs, or a flattened copy. By default the first that works, in that order;
// MYCTR_STORAGE_DRIVER forces one. Decided on the host before the container starts (pure checks, no mounts).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MyctrError, UsageError } from '../runtime/errors.js';

export const STORAGE_DRIVERS = ['overlay', 'fuse-overlayfs', 'copy'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

/** What the init needs to mount the rootfs: the forced driver (undefined: auto) and the fuse-overlayfs binary if usable. */
export interface RootfsDriverChoice { driver?: StorageDriver; fuseOverlayfs?: string }

/** MYCTR_STORAGE_DRIVER, validated; undefined when unset or `auto`. */
export function storageDriverSetting(env: NodeJS.ProcessEnv = process.env): StorageDriver | undefined {
  const v = env.MYCTR_STORAGE_DRIVER?.trim();
  if (!v || v === 'auto') return undefined;
  if ((STORAGE_DRIVERS as readonly string[]).includes(v)) return v as StorageDriver;
  throw new UsageError(`MYCTR_STORAGE_DRIVER \`${v}\` is not a storage driver`, `use one of auto, ${STORAGE_DRIVERS.join(', ')}`);
}

/** The fuse-overlayfs binary on PATH (or the usual dirs) when it and /dev/fuse are usable; else why not. */
export function probeFuseOverlayfs(env: NodeJS.ProcessEnv = process.env, devFuse = '/dev/fuse'): { path: string } | { reason: string } {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/local/bin', '/usr/bin', '/bin'];
  const path = dirs.map((d) => join(d, 'fuse-overlayfs')).find((p) => {
    try { accessSync(p, constants.X_OK); return true; } catch { return false; }
  });
  if (!path) return { reason: 'fuse-overlayfs is not installed' };
  try {
    accessSync(devFuse, constants.R_OK | constants.W_OK);
  } catch (err) {
    return { reason: `${devFuse} is not usable (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return { path };
}

/** The driver choice for a container start; a forced fuse-overlayfs that cannot work is an error here. */
export function chooseRootfsDriver(env: NodeJS.ProcessEnv = process.env, devFuse = '/dev/fuse'): RootfsDriverChoice {
  const driver = storageDriverSetting(env);
  if (driver === 'overlay' || driver === 'copy') return { driver };
  const fuse = probeFuseOverlayfs(env, devFuse);
  if ('path' in fuse) return { ...(driver ? { driver } : {}), fuseOverlayfs: fuse.path };
  if (driver === 'fuse-overlayfs') {
    throw new MyctrError('MYCTR_MISSING_TOOL', `storage driver fuse-overlayfs: ${fuse.reason}`, { hint:
      'install the `fuse-overlayfs` package and make /dev/fuse read-write for users (mode 0666), or unset MYCTR_STORAGE_DRIVER' });
  }
  return {};
}
