// The store's mutation lock: a file created with O_EXCL holding `<pid> <boot id>`. It is stale when that process
// is gone or the machine rebooted since; a stale lock is removed and the acquisition retried.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../runtime/errors.js';
import { isProcessAlive } from './tmp-names.js';

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock file without content older than this is stale (its writer died between create and write). */
  emptyGraceMs?: number;
}

export interface HeldLock { release(): void }

let bootIdCache: string | undefined;
function bootId(): string {
  if (bootIdCache === undefined) {
    try { bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(); } catch { bootIdCache = ''; }
  }
  return bootIdCache;
}

/** Who holds the lock, or undefined when the lock file is stale (or gone). */
export function lockHolder(path: string, emptyGraceMs = 5000): number | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  const m = /^(\d+) (\S*)\n?$/.exec(text);
  if (!m) {
    try { return Date.now() - statSync(path).mtimeMs > emptyGraceMs ? undefined : -1; } catch { return undefined; }
  }
  const pid = Number(m[1]);
  if (m[2] !== bootId() || !isProcessAlive(pid)) return undefined;
  return pid;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try { writeSync(fd, `${process.pid} ${bootId()}\n`); } finally { closeSync(fd); }
  return true;
}

function heldLock(path: string): HeldLock {
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try { unlinkSync(path); } catch { /* already gone */ }
    },
  };
}

/**
 * One acquisition attempt: the lock when it was free, 'retry' at once after a stale lock was broken, 'wait'
 * while a live process holds it; past the deadline a held lock is a ConflictError.
 */
function attempt(path: string, opts: LockOptions, deadline: number): HeldLock | 'retry' | 'wait' {
  if (tryCreate(path)) return heldLock(path);
  const holder = lockHolder(path, opts.emptyGraceMs);
  if (holder === undefined) {
    // Stale (its holder crashed). Two waiters breaking it at the same instant could race; re-checking right
    // before the unlink narrows that to a window of microseconds, which only ever follows a crash.
    if (lockHolder(path, opts.emptyGraceMs) === undefined) {
      try { unlinkSync(path); } catch { /* someone else removed it */ }
    }
    return 'retry';
  }
  if (Date.now() > deadline) {
    throw new ConflictError(`image store is locked by process ${holder === -1 ? '(starting)' : holder}`,
      `wait for it to finish, or remove \`${path}\` if no myctr process is running`);
  }
  return 'wait';
}

/** Acquires the lock at `path`, waiting while a live process holds it. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<HeldLock> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const r = attempt(path, opts, deadline);
    if (r === 'retry') continue;
    if (r !== 'wait') return r;
    await sleep(delay);
  }
}

/**
 * acquireLock for synchronous callers (resolving and pinning an image while a container is being set up):
 * the same lock file and staleness rules; waits block the thread (Atomics.wait), with the same backoff.
 */
export function acquireLockSync(path: string, opts: LockOptions = {}): HeldLock {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const r = attempt(path, opts, deadline);
    if (r === 'retry') continue;
    if (r !== 'wait') return r;
    Atomics.wait(cell, 0, 0, delay);
  }
}
