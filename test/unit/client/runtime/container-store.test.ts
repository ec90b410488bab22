// client/runtime/container-store.ts: a record appears whole or not at all, and what a killed create left
// (a staging dir, a name link to nothing) is reclaimed by the next create, never a live one's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ContainerStore, bootId } from '../../../../client/runtime/container-store.js';
import type { ContainerSpec } from '../../../../client/runtime/spec.js';

let dir: string;
let store: ContainerStore;
const id = (c: string): string => c.repeat(64);
/** A pid that is certainly gone: a child that already exited and was reaped. */
const deadPid = (): number => spawnSync('true').pid!;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'myctr-store-'));
  store = new ContainerStore({ root: join(dir, 'root'), runRoot: join(dir, 'run') } as never);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a staged record is invisible until committed, then whole', () => {
  const staging = store.stageRecord(id('a'));
  store.reserveName('web', id('a'));
  store.saveConfig({ id: id('a'), name: 'web' } as ContainerSpec, staging);
  store.saveState(id('a'), { status: 'created', bootId: bootId() }, staging);
  assert.deepEqual(store.ids(), [], 'ids() ignores the staging dir');
  assert.throws(() => store.reserveName('web', id('b')), /already in use by container aaaaaaaaaaaa/, 'a live staging holds its name');
  const l = store.commitRecord(id('a'), staging);
  assert.deepEqual(store.ids(), [id('a')]);
  assert.equal(store.loadConfig(id('a')).name, 'web');
  assert.equal(store.loadState(id('a'))?.status, 'created');
  assert.deepEqual(readdirSync(l.dir).sort(), ['config.json', 'rootfs', 'state.json', 'upper', 'work']);
  assert.deepEqual(readdirSync(l.runDir), []);
  assert.equal(store.resolve('web'), id('a'));
});

test('discardStaged undoes a create that failed before its commit', () => {
  const staging = store.stageRecord(id('a'));
  store.discardStaged(staging);
  assert.deepEqual(readdirSync(join(dir, 'root', 'containers')), []);
});

test('a name whose create was killed before its record existed is taken over; a record keeps its name', () => {
  const containers = join(dir, 'root', 'containers');
  const names = join(dir, 'root', 'names');
  mkdirSync(containers, { recursive: true });
  mkdirSync(names, { recursive: true });
  // Killed after linking its name: a staging dir of a dead process, or no dir at all.
  mkdirSync(join(containers, `.tmp-${deadPid()}-${id('d')}`));
  symlinkSync(id('d'), join(names, 'ghost'));
  symlinkSync(id('e'), join(names, 'orphan'));
  const stagingB = store.stageRecord(id('b'));
  store.reserveName('ghost', id('b'));
  assert.equal(readlinkSync(join(names, 'ghost')), id('b'));

  const staging = store.stageRecord(id('c'));
  store.reserveName('kept', id('c'));
  store.commitRecord(id('c'), staging);
  // The next create sweeps: the dead staging dir and the link to nothing go; live names stay.
  store.stageRecord(id('f'));
  assert.deepEqual(readdirSync(containers).sort(), [stagingB, join(containers, `.tmp-${process.pid}-${id('f')}`), join(containers, id('c'))].map((p) => p.slice(containers.length + 1)).sort());
  assert.deepEqual(readdirSync(names).sort(), ['ghost', 'kept'], 'the link to nothing is gone; a live staging keeps its name');
  assert.throws(() => store.reserveName('kept', id('g')), /already in use/);
});
