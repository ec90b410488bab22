// Joining an existing mount namespace from Node: setns(CLONE_NEWNS) refuses a caller whose fs_struct is
// shared (every libuv thread shares it), so the calling thread first unshares its fs attributes
// (unshare(CLONE_FS) is allowed in a multithreaded process). Main thread only; the other threads stay
// behind, which is fine for a process that only reads a few files and then execs.
import { check } from './check.js';
import * as libc from './libc.js';

const CLONE_FS = 0x200;
const CLONE_NEWNS = 0x20000;

/** Moves the calling thread into the mount namespace `nsFd` (an fd of /proc/<pid>/ns/mnt); root and cwd become its root. */
export function joinMountNamespace(nsFd: number): void {
  check('unshare', 'CLONE_FS', libc.unshare(CLONE_FS));
  check('setns', `fd ${nsFd} CLONE_NEWNS`, libc.setns(nsFd, CLONE_NEWNS));
}
