// Mount option strings (`ro,nosuid,size=64m,mode=1777`) → mount(2) flags + filesystem data, through one
// table (crun's mount_flags idea). Pure.

// mount(2) flags.
export const MOUNT_FLAGS = {
  ro: { flag: 0x1 }, rw: { flag: 0x1, clear: true },
  nosuid: { flag: 0x2 }, suid: { flag: 0x2, clear: true },
  nodev: { flag: 0x4 }, dev: { flag: 0x4, clear: true },
  noexec: { flag: 0x8 }, exec: { flag: 0x8, clear: true },
  sync: { flag: 0x10 }, async: { flag: 0x10, clear: true },
  noatime: { flag: 0x400 }, atime: { flag: 0x400, clear: true },
  nodiratime: { flag: 0x800 }, diratime: { flag: 0x800, clear: true },
  relatime: { flag: 0x200000 }, norelatime: { flag: 0x200000, clear: true },
  strictatime: { flag: 0x1000000 },
} as const satisfies Record<string, { flag: number; clear?: boolean }>;

export type MountFlagName = keyof typeof MOUNT_FLAGS;

export interface ParsedMountOptions { flags: number; data: string[] }

/** Applies `options` on top of `base` flags; unknown `key=value` pairs and words go to the fs data. */
export function parseMountOptions(options: readonly string[], base = 0): ParsedMountOptions {
  let flags = base;
  const data: string[] = [];
  for (const opt of options) {
    const entry = (MOUNT_FLAGS as Record<string, { flag: number; clear?: boolean }>)[opt];
    if (!entry) { data.push(opt); continue; }
    flags = entry.clear ? flags & ~entry.flag : flags | entry.flag;
  }
  return { flags, data };
}
