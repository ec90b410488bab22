// Shared fixture for the detached-container tests: the busybox store of run-helpers, a `cli()` bound to it,
// leak snapshots keyed on the store's run root (the supervisor's title carries it), and small waits.
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertNoLeaks, snapshot, type LeakSnapshot } from '../../../support/leaks.js';
import { setupRunFixture, type RunFixture } from '../run-helpers.js';

export interface LifecycleFixture extends RunFixture {
  leakOpts: { mountPrefix: string; marker: string; settleMs: number };
  /** Host pids whose command line contains `text`. */
  pidsWith(text: string): number[];
  /** Polls `check` every 50 ms until it is true; fails after `ms` (a liveness bound, not a timing assertion). */
  until(what: string, check: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
  /** A number to make a command line unique (`sleep 4242xx`), so its processes can be found. */
  unique(): number;
  snapshot(): Promise<LeakSnapshot>;
  /** rm -f of every container (a failed test leaves its containers; the next one starts clean). */
  removeAll(): Promise<void>;
  /** Removes every container and checks that nothing is left (mounts, processes, supervisor, fds). */
  cleanAndCheck(before: LeakSnapshot): Promise<void>;
}

export async function setupLifecycleFixture(): Promise<LifecycleFixture> {
  const fx = await setupRunFixture();
  const leakOpts = { mountPrefix: fx.env.root, marker: fx.env.runRoot, settleMs: 8000 };
  const pidsWith = (text: string): number[] => {
    const out: number[] = [];
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
      try { if (readFileSync(`/proc/${e}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)) out.push(Number(e)); } catch { /* gone */ }
    }
    return out;
  };
  const removeAll = async (): Promise<void> => {
    const ids = (await fx.cli(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await fx.cli(['rm', '-f', ...ids]);
  };
  return {
    ...fx,
    leakOpts,
    pidsWith,
    async until(what, check, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await sleep(50);
      }
    },
    unique: () => randomInt(100000, 999999),
    snapshot: () => snapshot(leakOpts),
    removeAll,
    async cleanAndCheck(before) {
      await removeAll();
      await assertNoLeaks(before, leakOpts);
    },
  };
}
