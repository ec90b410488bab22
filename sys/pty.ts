// Pseudo-terminals: a master from a given ptmx (the container's own devpts instance) and a host-side pair
// from openpty(3). ptsname(3) is avoided on purpose: it assumes /dev/pts, and TIOCGPTN does not.
import { basename, dirname } from 'node:path';
import { check } from './check.js';
import { O, TIOC } from './constants.js';
import { close, openPath, setCloexec } from './fd.js';
import * as libc from './libc.js';

/**
 * The path of pty number `n` in the devpts instance `ptmxPath` belongs to: `<dir>/<n>` when ptmx lives in a
 * directory named `pts` (devpts' own node, `/dev/pts/ptmx` → `/dev/pts/<n>`), else `<dir>/pts/<n>`
 * (`/dev/ptmx` → `/dev/pts/<n>`).
 */
export function ptsPathFor(ptmxPath: string, n: number): string {
  const dir = dirname(ptmxPath);
  return basename(dir) === 'pts' ? `${dir}/${n}` : `${dir === '/' ? '' : dir}/pts/${n}`;
}

/**
 * Opens a new pty master on `ptmxPath` (O_RDWR|O_NOCTTY|O_CLOEXEC), unlocks its slave (TIOCSPTLCK 0) and
 * finds its number (TIOCGPTN). The slave path is relative to that devpts instance, see {@link ptsPathFor}.
 * The master fd is closed again if a later step fails.
 */
export function openPtyMaster(ptmxPath = '/dev/ptmx'): { master: number; slavePath: string } {
  const master = openPath(ptmxPath, O.RDWR | O.NOCTTY | O.CLOEXEC);
  try {
    const unlock = Buffer.alloc(4); // int 0 = unlocked
    check('ioctl', `TIOCSPTLCK \`${ptmxPath}\``, libc.ioctl(master, TIOC.SPTLCK, 'void *', unlock));
    const ptn = Buffer.alloc(4);
    check('ioctl', `TIOCGPTN \`${ptmxPath}\``, libc.ioctl(master, TIOC.GPTN, 'void *', ptn));
    return { master, slavePath: ptsPathFor(ptmxPath, ptn.readUInt32LE(0)) };
  } catch (err) {
    close(master);
    throw err;
  }
}

/**
 * openpty(3) in the host's /dev/pts: a master and its (unlocked) slave. Both are marked close-on-exec, so
 * they reach a child only through explicit stdio mapping (which dup2s and so clears the flag).
 */
export function openPty(): { master: number; slave: number } {
  const m = new Int32Array(1);
  const s = new Int32Array(1);
  check('openpty', '', libc.openpty(m, s, null, null, null));
  const pair = { master: m[0]!, slave: s[0]! };
  setCloexec(pair.master, true);
  setCloexec(pair.slave, true);
  return pair;
}
