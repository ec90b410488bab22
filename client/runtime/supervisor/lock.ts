// Per-container lock: two CLIs acting on one container (rm -f and stop at once) take turns. The image
// store's O_EXCL lock file with stale detection (holder pid + boot id) is reused, under <runRoot>/locks.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../image/lock.js';
import type { MyctrPaths } from '../../paths.js';
import type { ContainerStore } from '../container-store.js';
import { ConflictError, NotFoundError } from '../errors.js';

export async function withContainerLock<T>(paths: MyctrPaths, id: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const dir = join(paths.runRoot, 'locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let lock;
  try {
    lock = await acquireLock(join(dir, id), { timeoutMs });
  } catch (err) {
    if (err instanceof ConflictError) {
      throw new ConflictError(`container ${id.slice(0, 12)} is busy: another myctr command is acting on it`, 'wait for that command to finish and try again');
    }
    throw err;
  }
  try { return await fn(); } finally { lock.release(); }
}

/** withContainerLock for a container that must still exist once the lock is held (a concurrent rm may have won). */
export function withExistingContainer<T>(paths: MyctrPaths, store: ContainerStore, id: string, ref: string, fn: () => Promise<T>): Promise<T> {
  return withContainerLock(paths, id, async () => {
    if (!existsSync(store.layout(id).dir)) throw new NotFoundError(`no such container \`${ref}\``, '`myctr ps -a` lists containers');
    return fn();
  });
}
