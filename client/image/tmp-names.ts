// Names of in-progress layer dirs: `.tmp-<pid>-<random>`. A leftover whose process is gone is from a crashed
// import and may be removed; one whose process lives belongs to a parallel import and is left alone.
import { randomBytes } from '../random.js';

const TMP = /^\.tmp-(\d+)-[0-9a-f]+$/;

/** `tag` (hex) names what is in progress, e.g. a container id; random by default. */
export function newTmpName(pid: number = process.pid, tag = randomBytes(6).toString('hex')): string {
  return `.tmp-${pid}-${tag}`;
}

/** true for a `.tmp-*` name whose owner process is gone (or that has no pid at all). */
export function isStaleTmpName(name: string, alive: (pid: number) => boolean = isProcessAlive): boolean {
  if (!name.startsWith('.tmp-')) return false;
  const m = TMP.exec(name);
  return !m || !alive(Number(m[1]));
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
