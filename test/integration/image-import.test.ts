// Image import for real: the unpack worker in a user namespace (rootless) or as root, owners mapped onto the
// subordinate range, hostile archives refused without leftovers, gzip/zstd, and bootstrap busybox.
import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { bootstrapBusybox } from '../../client/image/bootstrap-busybox.js';
import { importTarFile, importTarStream } from '../../client/image/import.js';
import { renderImages } from '../../client/image/images-view.js';
import { ImageStore } from '../../client/image/store.js';
import { buildTar, type TarEntry } from '../../client/image/tar-writer.js';
import { resolvePaths } from '../../client/paths.js';
import { MyctrError } from '../../client/runtime/errors.js';
import { findExecutable, onlyAs, probes, requireFeature, type Probe } from '../support/probes.js';
import { readRanges } from '../support/subid.js';
import { makeTempDir, testEnv } from '../support/tmp.js';

const rootless = process.geteuid?.() !== 0;
const me = { name: userInfo().username, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const env = testEnv({ cleanupOwner: { after } });
const store = ImageStore.open(resolvePaths({ ...process.env, ...env.env }));
const work = makeTempDir('myctr-image-test-', { after });
const zstdProbe: Probe = findExecutable('zstd') ? { ok: true } : { ok: false, reason: 'zstd: not found in PATH' };

/** Rootless needs user namespaces and a subordinate range to map tar owners onto. */
function canUnpack(t: TestContext): boolean {
  if (!rootless) return true;
  return requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange) && requireFeature(t, probes.newuidmap);
}

/** Host id of container id `n` (0 = the user, 1.. = the first subordinate range). */
function hostId(kind: 'uid' | 'gid', n: number): number {
  if (!rootless) return n;
  if (n === 0) return kind === 'uid' ? me.uid : me.gid;
  return readRanges(kind, me)[0]!.start + n - 1;
}

function quiet(): { showProgress: false } {
  return { showProgress: false };
}

/** Snapshot of what a failed import must not change. */
function storeState(): { images: string[]; layers: string[]; repos: string } {
  return {
    images: readdirSync(store.imagesDir).sort(),
    layers: readdirSync(store.layersDir).sort(),
    repos: JSON.stringify(store.repositories()),
  };
}

const mtime = new Date('2021-02-03T04:05:06Z');
const OWNED: TarEntry[] = [
  { path: './', type: 'dir', mode: 0o755 },
  { path: 'home', type: 'dir' },
  { path: 'home/user', type: 'dir', uid: 1000, gid: 1000, mode: 0o755 },
  { path: 'srv', type: 'dir', uid: 1000, gid: 1000, mode: 0o750, mtime },
  { path: 'home/user/file', type: 'file', data: 'hello\n', uid: 1000, gid: 1000, mode: 0o640, mtime },
  { path: 'home/user/link', type: 'symlink', linkpath: 'file', uid: 1000, gid: 1000 },
  { path: 'usr/bin/su', type: 'file', data: 'ELF?', uid: 0, gid: 0, mode: 0o4755, mtime },
  { path: 'usr/bin/su2', type: 'hardlink', linkpath: 'usr/bin/su' },
  { path: 'etc/shadow', type: 'file', data: '', uid: 0, gid: 42, mode: 0o640 },
  { path: 'dev/null', type: 'char-device', devmajor: 1, devminor: 3, mode: 0o666 },
];

describe('image import', () => {
  test('owners 1000:1000 and 0:0 land on the mapped host ids; modes, setuid, mtimes, links kept', async (t) => {
    if (!canUnpack(t)) return;
    const r = await importTarStream(store, Readable.from([buildTar(OWNED)]), { names: ['owned:1'], ...quiet() });
    const [diff] = store.layerDirs(r.image);
    assert.ok(diff);
    const st = (p: string) => lstatSync(join(diff, p));
    assert.equal(st('home/user/file').uid, hostId('uid', 1000));
    assert.equal(st('home/user/file').gid, hostId('gid', 1000));
    assert.equal(st('home/user').uid, hostId('uid', 1000));
    assert.equal(st('home/user/link').uid, hostId('uid', 1000));
    assert.equal(st('usr/bin/su').uid, hostId('uid', 0));
    assert.equal(st('etc/shadow').gid, hostId('gid', 42));
    assert.equal(st('srv').mode & 0o7777, 0o750);
    assert.equal(st('srv').mtimeMs, mtime.getTime());
    assert.equal(st('home/user/file').mode & 0o7777, 0o640);
    assert.equal(st('usr/bin/su').mode & 0o7777, 0o4755, 'setuid survives the chown');
    assert.equal(st('home/user/file').mtimeMs, mtime.getTime());
    assert.equal(readlinkSync(join(diff, 'home/user/link')), 'file');
    assert.equal(st('usr/bin/su2').ino, st('usr/bin/su').ino);
    assert.equal(existsSync(join(diff, 'dev/null')), false);
    assert.match(r.warning ?? '', /skipped 1 character device/);
    assert.equal(store.resolve('owned:1').id, r.image.id);
  });

  test('the same tar plain, gzip and zstd gives one layer (diff id of the uncompressed tar)', async (t) => {
    if (!canUnpack(t)) return;
    const tar = buildTar([{ path: 'a', type: 'file', data: 'x'.repeat(5000) }, { path: 'b', type: 'dir' }]);
    const plain = join(work, 'c.tar');
    writeFileSync(plain, tar);
    writeFileSync(`${plain}.gz`, gzipSync(tar));
    const a = await importTarFile(store, plain, { names: ['comp:plain'], ...quiet() });
    const b = await importTarFile(store, `${plain}.gz`, { names: ['comp:gz'], ...quiet() });
    assert.equal(b.diffId, a.diffId);
    assert.equal(a.image.size, tar.length);
    assert.equal(readdirSync(store.layersDir).filter((d) => d === a.diffId.slice(7)).length, 1);
    if (!requireFeature(t, zstdProbe)) return;
    const z = spawnSync('zstd', ['-q', '-f', plain, '-o', `${plain}.zst`]);
    assert.equal(z.status, 0, String(z.stderr));
    const c = await importTarFile(store, `${plain}.zst`, { names: ['comp:zst'], ...quiet() });
    assert.equal(c.diffId, a.diffId);
  });

  const outside = join(work, 'outside');
  const HOSTILE: [string, TarEntry[]][] = [
    ['../evil', [{ path: 'ok', type: 'file', data: 'x' }, { path: '../evil', type: 'file', data: 'x' }]],
    ['/abs', [{ path: `${outside}/abs`, type: 'file', data: 'x' }]],
    ['symlink x -> outside, then x/passwd', [
      { path: 'x', type: 'symlink', linkpath: outside }, { path: 'x/passwd', type: 'file', data: 'pwned' },
    ]],
    ['hardlink to a host file', [{ path: 'h', type: 'hardlink', linkpath: '/etc/passwd' }]],
  ];

  for (const [what, entries] of HOSTILE) {
    test(`hostile archive refused, nothing left: ${what}`, async (t) => {
      if (!canUnpack(t)) return;
      mkdirSync(outside, { recursive: true });
      const before = storeState();
      await assert.rejects(importTarStream(store, Readable.from([buildTar(entries)]), { names: ['evil:1'], ...quiet() }),
        (err: unknown) => {
          assert.ok(err instanceof MyctrError);
          assert.equal(err.code, 'MYCTR_IMAGE');
          assert.match(err.message, /^import: unsafe archive entry `/);
          assert.match(err.hint ?? '', /outside its root/);
          return true;
        });
      assert.deepEqual(storeState(), before);
      assert.deepEqual(readdirSync(outside), []);
      assert.equal(existsSync(join(work, 'evil')), false);
    });
  }

  test('a truncated or non-tar input fails cleanly', async (t) => {
    if (!canUnpack(t)) return;
    const before = storeState();
    const tar = buildTar([{ path: 'f', type: 'file', data: 'y'.repeat(4000) }]);
    await assert.rejects(importTarStream(store, Readable.from([tar.subarray(0, 2000)]), quiet()), /import: .*Truncated/);
    await assert.rejects(importTarStream(store, Readable.from([Buffer.from('not a tar '.repeat(100))]), quiet()), /import: /);
    await assert.rejects(importTarStream(store, Readable.from([]), quiet()), /the archive is empty/);
    await assert.rejects(importTarStream(store, Readable.from([gzipSync(gzipSync(tar))]), quiet()), /compressed twice/);
    assert.deepEqual(storeState(), before);
  });

  test('rootless: owners outside the mapped range stay root-owned, with one warning', async (t) => {
    if (!onlyAs(t, 'rootless')) return; // only the rootless run has a limited id range
    if (!canUnpack(t)) return;
    const big = readRanges('uid', me)[0]!.count + 10;
    const r = await importTarStream(store, Readable.from([buildTar([
      { path: 'a', type: 'file', data: 'a', uid: big, gid: 0 }, { path: 'b', type: 'file', data: 'b', uid: big, gid: 0 },
    ])]), { names: ['big:1'], ...quiet() });
    assert.match(r.warning ?? '', /^2 files kept owned by root: .*`a` \(\d+:0\)/);
    assert.equal(statSync(join(store.layerDirs(r.image)[0]!, 'a')).uid, me.uid);
  });

  test('bootstrap busybox → images lists it; the rootfs has busybox, applets and /etc files', async (t) => {
    if (!requireFeature(t, probes.busyboxStatic) || !canUnpack(t)) return;
    const r = await bootstrapBusybox(store, quiet());
    assert.deepEqual(r.image.names, ['localhost/busybox:latest']);
    assert.deepEqual(r.image.config, { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] });
    assert.match(renderImages(store.list()), /^localhost\/busybox\s+latest\s+[0-9a-f]{12}\s/m);
    const diff = store.layerDirs(store.resolve('busybox'))[0]!;
    assert.equal(readlinkSync(join(diff, 'bin/sh')), '/bin/busybox');
    assert.equal(statSync(join(diff, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(lstatSync(join(diff, 'etc/passwd')).uid, hostId('uid', 0));
    // Reproducible: a second bootstrap under another name is the same image and layer.
    const again = await bootstrapBusybox(store, { name: 'mybox:1', showProgress: false });
    assert.equal(again.image.id, r.image.id);
    assert.deepEqual(store.resolve('mybox:1').names, ['localhost/busybox:latest', 'localhost/mybox:1']);
  });
});
