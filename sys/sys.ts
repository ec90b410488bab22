// The Sys interface: the syscalls the in-container setup (client/runtime/setup, init) performs, so tests can
// swap in a RecordingSys. Files, dirs and symlinks go through node:fs and are not part of it.
import { bindMount, mount, mountFlagsOf, pivotRoot, remountReadOnly, umount2 } from './mount.js';
import { chdir, sethostname } from './process.js';
import { interfaceUp } from './net.js';

/** Mount-namespace and UTS operations used by setup; see mount.ts and process.ts for their semantics. */
export interface Sys {
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  pivotRoot(newRoot: string, putOld: string): void;
  remountReadOnly(target: string, opts: { bind: boolean }): void;
  bindMount(source: string, target: string, opts: { recursive: boolean; readonly: boolean }): void;
  mountFlagsOf(path: string): number;
  sethostname(name: string): void;
  chdir(path: string): void;
  interfaceUp(ifname: string): void;
}

/** The real thing: every method is the sys/ wrapper of the same name. */
export const linuxSys: Sys = Object.freeze({
  mount,
  umount2,
  pivotRoot,
  remountReadOnly,
  bindMount,
  mountFlagsOf,
  sethostname,
  chdir,
  interfaceUp,
});
