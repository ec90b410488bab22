// ImageStore without extraction: commit layers made by hand, resolve by name/id/prefix, dedupe, the lock,
// and the sweep of tmp dirs left by crashed imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock, acquireLockSync } from '../../../client/image/lock.js';
import { ImageStore, type ImageRecord } from '../../../client/image/store.js';
import { newTmpName } from '../../../client/image/tmp-names.js';
import { MyctrError } from '../../../client/runtime/errors.js';

function tempStore(t: { after(fn: () => void): void }): ImageStore {
  const root = mkdtempSync(join(tmpdir(), 'myctr-store-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return ImageStore.open({ root, runRoot: join(root, 'run'), rootless: false, runRootFallback: false });
}

/** A pending layer with one file, as import would leave it. */
function fakeLayer(store: ImageStore, hexChar: string, size = 100) {
  const tmpDir = store.createLayerTmp();
  mkdirSync(join(tmpDir, 'diff'));
  writeFileSync(join(tmpDir, 'diff', 'f'), hexChar);
  return { tmpDir, diffId: `sha256:${hexChar.repeat(64)}`, size };
}

async function commit(store: ImageStore, names: string[], layer: ReturnType<typeof fakeLayer>, cmd = ['sh']) {
  return store.commitImage({
    layers: [layer], config: { Cmd: cmd }, names, created: '2024-01-01T00:00:00.000Z',
    history: [{ created: '2024-01-01T00:00:00.000Z', created_by: 'test' }], architecture: 'amd64',
  });
}

function code(err: unknown): string | undefined {
  return err instanceof MyctrError ? err.code : undefined;
}

test('commit places the layer, writes config + record + names; resolve by name, id and prefix', async (t) => {
  const store = tempStore(t);
  const img = await commit(store, ['localhost/busybox:latest', 'localhost/mybox:1'], fakeLayer(store, 'a'));
  assert.match(img.id, /^[0-9a-f]{64}$/);
  assert.deepEqual(img.names, ['localhost/busybox:latest', 'localhost/mybox:1']);
  assert.equal(img.size, 100);
  assert.deepEqual(store.layerDirs(img), [join(store.layersDir, 'a'.repeat(64), 'diff')]);
  assert.ok(existsSync(join(store.layerDirs(img)[0]!, 'f')));
  assert.deepEqual(store.layer(`sha256:${'a'.repeat(64)}`)?.size, 100);
  assert.ok(existsSync(join(store.imagesDir, `${img.id}.config.json`)));
  assert.deepEqual(readdirSync(store.layersDir), ['a'.repeat(64)]);

  for (const ref of ['busybox', 'busybox:latest', 'localhost/busybox', 'mybox:1', img.id, `sha256:${img.id}`,
    img.id.slice(0, 4), img.id.slice(0, 12), `busybox@sha256:${img.id}`]) {
    assert.equal(store.resolve(ref).id, img.id, ref);
  }
  assert.throws(() => store.resolve(img.id.slice(0, 3)), (e: unknown) => code(e) === 'MYCTR_NOT_FOUND');
  assert.throws(() => store.resolve('mybox'), (e: unknown) => {
    assert.equal(code(e), 'MYCTR_NOT_FOUND');
    assert.equal((e as Error).message, 'image `mybox` not found');
    assert.match((e as MyctrError).hint ?? '', /myctr images.*myctr bootstrap busybox/);
    return true;
  });
  assert.throws(() => store.resolve('Bad Ref'), (e: unknown) => code(e) === 'MYCTR_USAGE');
});

test('a name moves to the newest image; the old one keeps its other names or becomes untagged', async (t) => {
  const store = tempStore(t);
  const a = await commit(store, ['localhost/x:1', 'localhost/keep:1'], fakeLayer(store, 'a'));
  const b = await commit(store, ['localhost/x:1'], fakeLayer(store, 'b'), ['bash']);
  assert.equal(store.resolve('x:1').id, b.id);
  assert.deepEqual(store.get(a.id)?.names, ['localhost/keep:1']);
  const c = await commit(store, ['localhost/keep:1'], fakeLayer(store, 'c'), ['ash']);
  assert.deepEqual(store.get(a.id)?.names, []);
  assert.equal(store.list().length, 3);
  assert.equal(store.resolve('keep:1').id, c.id);
});

test('a layer shared by images is stored once; the duplicate tmp dir is removed', async (t) => {
  const store = tempStore(t);
  const one = await commit(store, ['localhost/one:1'], fakeLayer(store, 'd'));
  const two = await commit(store, ['localhost/two:1'], fakeLayer(store, 'd'), ['other']);
  assert.notEqual(one.id, two.id);
  assert.deepEqual(store.layerDirs(one), store.layerDirs(two));
  assert.deepEqual(readdirSync(store.layersDir), ['d'.repeat(64)]);
});

test('ambiguous id prefixes are refused; short names prefer localhost/ over docker.io', async (t) => {
  const store = tempStore(t);
  const rec = (id: string): Omit<ImageRecord, 'names'> => ({
    id, created: '2024-01-01T00:00:00.000Z', architecture: 'amd64', os: 'linux', config: {}, layers: [], size: 0, history: [],
  });
  const id1 = `abcd1${'0'.repeat(59)}`;
  const id2 = `abcd2${'0'.repeat(59)}`;
  for (const id of [id1, id2]) writeFileSync(join(store.imagesDir, `${id}.json`), JSON.stringify(rec(id)));
  writeFileSync(join(store.dir, 'repositories.json'), JSON.stringify({
    'docker.io/library/alpine:latest': id1, 'localhost/alpine:latest': id2, 'docker.io/library/only:latest': id1,
  }));
  assert.throws(() => store.resolve('abcd'), (e: unknown) => {
    assert.equal(code(e), 'MYCTR_USAGE');
    assert.match((e as Error).message, /ambiguous/);
    return true;
  });
  assert.equal(store.resolve('abcd1').id, id1);
  assert.equal(store.resolve('alpine').id, id2);
  assert.equal(store.resolve('docker.io/alpine').id, id1);
  assert.equal(store.resolve('only').id, id1);
});

test('the lock serializes holders and breaks a stale one', async (t) => {
  const store = tempStore(t);
  const path = join(store.dir, '.lock');
  const first = await acquireLock(path);
  let second = false;
  const waiting = acquireLock(path).then((l) => { second = true; return l; });
  await sleep(50);
  assert.equal(second, false);
  first.release();
  (await waiting).release();
  assert.equal(second, true);
  writeFileSync(path, '999999999 some-other-boot\n'); // a dead holder from another boot
  (await acquireLock(path, { timeoutMs: 1000 })).release();
  assert.equal(existsSync(path), false);
  writeFileSync(path, `${process.pid} ${'x'}\n`); // wrong boot id: stale even though the pid lives
  (await acquireLock(path, { timeoutMs: 1000 })).release();
});

test('the synchronous lock follows the same rules: breaks a stale lock, times out on a live holder', (t) => {
  const store = tempStore(t);
  const path = join(store.dir, '.lock');
  writeFileSync(path, '999999999 some-other-boot\n');
  const held = acquireLockSync(path, { timeoutMs: 1000 });
  assert.equal(readFileSync(path, 'utf8').split(' ')[0], String(process.pid));
  assert.throws(() => acquireLockSync(path, { timeoutMs: 30 }), /image store is locked by process \d+/);
  held.release();
  held.release(); // twice is harmless
  assert.equal(existsSync(path), false);
});

test('sweepTmp removes tmp dirs of dead processes only', async (t) => {
  const store = tempStore(t);
  const dead = join(store.layersDir, newTmpName(999999999));
  const mine = store.createLayerTmp();
  mkdirSync(join(dead, 'diff'), { recursive: true });
  mkdirSync(join(store.layersDir, '.tmp-garbage'));
  assert.equal(await store.sweepTmp(), 2);
  assert.deepEqual(readdirSync(store.layersDir), [mine.split('/').pop()]);
  assert.deepEqual(store.list(), []);
});

test('addLayer places a layer with its record; a second copy of the same layer is dropped', async (t) => {
  const store = tempStore(t);
  const first = fakeLayer(store, 'c', 42);
  assert.equal(await store.addLayer({ ...first, blob: { digest: first.diffId, size: 42, compression: 'none' } }), true);
  assert.equal(existsSync(first.tmpDir), false);
  assert.equal(store.layer(first.diffId)?.size, 42);
  assert.equal(store.layer(first.diffId)?.blob?.compression, 'none');
  const second = fakeLayer(store, 'c', 42);
  assert.equal(await store.addLayer(second), false);
  assert.equal(existsSync(second.tmpDir), false);
  assert.deepEqual(readdirSync(store.layersDir), ['c'.repeat(64)]);
  assert.equal(existsSync(join(store.dir, '.lock')), false);
});
