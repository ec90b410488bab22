import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachLimited } from '../../../client/image/parallel.js';

test('at most n at a time, all items done', async () => {
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    done.push(i);
    running--;
  });
  assert.equal(peak, 3);
  assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('after a failure nothing new starts, running items settle, the first error is thrown', async () => {
  const started: number[] = [];
  let settled = 0;
  await assert.rejects(forEachLimited([1, 2, 3, 4, 5, 6], 2, async (i) => {
    started.push(i);
    await new Promise((r) => setImmediate(r));
    settled++;
    if (i === 1) throw new Error('boom 1');
  }), /boom 1/);
  assert.equal(settled, started.length, 'every started item settled before the rejection');
  assert.ok(started.length < 6, `no new items after the failure (started ${started.join(',')})`);
});
