// client/runtime/names.ts: ids and generated names, and reserving a container's name in a real store.
import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ContainerStore, bootId } from '../../../../client/runtime/container-store.js';
import { generateName, newContainerId, reserveContainerName } from '../../../../client/runtime/names.js';
import type { ContainerSpec } from '../../../../client/runtime/spec.js';

let dir: string;
let store: ContainerStore;
const id = (c: string): string => c.repeat(64);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'myctr-names-'));
  store = new ContainerStore({ root: join(dir, 'root'), runRoot: join(dir, 'run') } as never);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A committed container `name` with id `c`×64: a live holder of its name. */
function existing(c: string, name: string): void {
  const staging = store.stageRecord(id(c));
  store.reserveName(name, id(c));
  store.saveConfig({ id: id(c), name } as ContainerSpec, staging);
  store.saveState(id(c), { status: 'created', bootId: bootId() }, staging);
  store.commitRecord(id(c), staging);
}

test('ids are 64 hex digits and names adjective_noun', () => {
  assert.match(newContainerId(), /^[0-9a-f]{64}$/);
  assert.match(generateName(), /^[a-z]+_[a-z]+$/);
});

test('a generated name that is taken is drawn again', () => {
  existing('a', 'kind_darwin');
  const spec = { id: id('b'), name: 'kind_darwin' };
  const draws = ['kind_darwin', 'calm_curie'];
  reserveContainerName(store, spec, true, () => draws.shift()!);
  assert.equal(spec.name, 'calm_curie', 'the second draw was free');
  assert.deepEqual(draws, []);
  assert.equal(readlinkSync(join(store.namesDir, 'calm_curie')), id('b'), 'reserved for the new container');
  assert.equal(readlinkSync(join(store.namesDir, 'kind_darwin')), id('a'), 'the holder keeps its name');
});

test('a crowded word list gets a digit; a name the user chose is an error', () => {
  existing('a', 'kind_darwin');
  const spec = { id: id('b'), name: 'kind_darwin' };
  reserveContainerName(store, spec, true, () => 'kind_darwin');
  assert.equal(spec.name, 'kind_darwin5', 'five clashes, then a digit');
  const chosen = { id: id('c'), name: 'kind_darwin' };
  assert.throws(() => reserveContainerName(store, chosen, false, () => 'calm_curie'),
    /the container name `kind_darwin` is already in use by container aaaaaaaaaaaa/);
  assert.equal(chosen.name, 'kind_darwin', 'never renamed');
});
