// Test hook for rollback tests: MYCTR_TEST_FAIL_AT=<point> aborts container creation right after that point,
// MYCTR_TEST_FAIL_OP=<n> makes the init fail setup op n, MYCTR_TEST_DELAY_AT=<point> holds the start there for
// a while so that a test can race a command against it. Read only by the start path, never by the helper.
import { setTimeout as sleep } from 'node:timers/promises';
import { MyctrError } from '../errors.js';

export type FailPoint = 'name-reserved' | 'dirs-created' | 'config-saved' | 'mapping-written' | 'ready' | 'state-saved';

export function failAt(point: FailPoint): void {
  if (process.env.MYCTR_TEST_FAIL_AT === point) {
    throw new MyctrError('MYCTR_INTERNAL', `test failure injected after ${point}`);
  }
}

/** The setup op index the init should fail, when a test asked for one. */
export function failOpIndex(): number | undefined {
  const v = process.env.MYCTR_TEST_FAIL_OP;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export type DelayPoint = 'supervisor-start';

export async function delayAt(point: DelayPoint): Promise<void> {
  if (process.env.MYCTR_TEST_DELAY_AT === point) await sleep(1500);
}
