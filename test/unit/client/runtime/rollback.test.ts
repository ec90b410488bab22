// client/runtime/rollback.ts: RollbackStack order, continue-on-failure and commit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RollbackStack } from '../../../../client/runtime/rollback.js';

test('unwind runs the undo steps in reverse order, awaiting each', async () => {
  const order: string[] = [];
  const rb = new RollbackStack();
  rb.defer('a', () => { order.push('a'); });
  rb.defer('b', async () => { await new Promise((r) => setTimeout(r, 10)); order.push('b'); });
  rb.defer('c', () => { order.push('c'); });
  assert.deepEqual(await rb.unwind(), []);
  assert.deepEqual(order, ['c', 'b', 'a']);
});

test('unwind continues after failing steps and returns their errors, named by step', async () => {
  const order: string[] = [];
  const rb = new RollbackStack();
  rb.defer('remove dirs', () => { order.push('dirs'); });
  rb.defer('release name', () => { order.push('name'); throw new Error('EBUSY'); });
  rb.defer('kill init', async () => { order.push('kill'); throw 'no such process'; });
  rb.defer('close fd', () => { order.push('fd'); });
  const errors = await rb.unwind();
  assert.deepEqual(order, ['fd', 'kill', 'name', 'dirs']);
  assert.deepEqual(errors.map((e) => e.message), ['kill init: no such process', 'release name: EBUSY']);
  assert.ok(errors.every((e) => e instanceof Error));
});

test('commit forgets the steps: unwind then does nothing', async () => {
  let ran = 0;
  const rb = new RollbackStack();
  rb.defer('x', () => { ran++; });
  rb.commit();
  assert.deepEqual(await rb.unwind(), []);
  assert.equal(ran, 0);
  // Steps deferred after a commit are unwound as usual.
  rb.defer('y', () => { ran++; });
  await rb.unwind();
  assert.equal(ran, 1);
});

test('unwind runs each step once: a second unwind is empty', async () => {
  let ran = 0;
  const rb = new RollbackStack();
  rb.defer('x', () => { ran++; throw new Error('boom'); });
  assert.equal((await rb.unwind()).length, 1);
  assert.deepEqual(await rb.unwind(), []);
  assert.equal(ran, 1);
});

test('unwind logs each successful step at debug level', async () => {
  const logged: unknown[] = [];
  const logger = { debug: (obj: unknown, msg: string) => { logged.push([obj, msg]); } };
  const rb = new RollbackStack(logger as unknown as ConstructorParameters<typeof RollbackStack>[0]);
  rb.defer('ok step', () => undefined);
  rb.defer('bad step', () => { throw new Error('x'); });
  await rb.unwind();
  assert.deepEqual(logged, [[{ step: 'ok step' }, 'rolled back']]);
});
