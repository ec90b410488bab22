// Layered images for real: a 3-layer image whose top layer deletes a file, a directory's entry and makes a
// directory opaque; the container (overlay of the layers) must not see any of it. Both whiteout encodings
// (0/0 char devices, and kernel ≥ 6.7 xattr whiteouts) are checked with each rootfs driver (kernel overlay,
// fuse-overlayfs, flattened copy). Plus `myctr diff` and `myctr export`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerArchive, makeConfig, makeLayer, writeArchive } from '../../support/image-archives.js';
import { BUSYBOX_PATH, probes, requireFeature } from '../../support/probes.js';
import { runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';
import { assertNoLeaks, snapshot } from '../../support/leaks.js';
import type { TestContext } from 'node:test';

const rootless = process.geteuid?.() !== 0;
const env = testEnv({ cleanupOwner: { after } });
const work = makeTempDir('myctr-wh-', { after });
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...env.env, ...extra } });

function canRun(t: TestContext): boolean {
  if (!rootless) return true;
  return requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange) && requireFeature(t, probes.newuidmap);
}

function archive(): string {
  const base = makeLayer([
    { path: 'bin/', type: 'dir' },
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(BUSYBOX_PATH) },
    { path: 'bin/sh', type: 'symlink', linkpath: 'busybox' },
  ]);
  const l1 = makeLayer([
    { path: 'f', type: 'file', data: 'gone\n' },
    { path: 'a/', type: 'dir' }, { path: 'a/x', type: 'file', data: 'x' }, { path: 'a/y', type: 'file', data: 'y' },
    { path: 'd/', type: 'dir' }, { path: 'd/k', type: 'file', data: 'k' }, { path: 'd/sub/', type: 'dir' },
    { path: 'gonedir/', type: 'dir' }, { path: 'gonedir/z', type: 'file', data: 'z' },
  ], 'none');
  const l2 = makeLayer([
    { path: '.wh.f', type: 'file' },
    { path: 'a/', type: 'dir' }, { path: 'a/.wh.x', type: 'file' },
    { path: '.wh.gonedir', type: 'file' },
    { path: 'd/', type: 'dir' }, { path: 'd/.wh..wh..opq', type: 'file' }, { path: 'd/new', type: 'file', data: 'n' },
  ]);
  const layers = [base, l1, l2];
  return writeArchive(join(work, 'wh.tar'), dockerArchive(layers, makeConfig(layers), ['wh:latest']));
}

const CHECK = [
  'test ! -e /f', 'test ! -e /a/x', 'test -e /a/y', 'test ! -e /gonedir', 'test ! -e /d/k', 'test ! -e /d/sub',
  'test -e /d/new', 'busybox ls -a /a /d',
].join(' && ');

describe('whiteouts in image layers', () => {
  let path = '';
  before(() => { path = archive(); });

  // Each rootfs driver (MYCTR_STORAGE_DRIVER) must apply both whiteout encodings; fuse-overlayfs must be gone
  // (its daemon and its mount) once the container has exited.
  const drivers = [['overlay', 'overlay'], ['fuse-overlayfs', 'fuse.fuse-overlayfs'], ['copy', '']] as const;
  for (const [driver, fstype] of drivers) {
    // fuse-overlayfs (1.10) does not read xattr whiteouts (docs/STORAGE.md): only the 0/0 device form.
    for (const format of driver === 'fuse-overlayfs' ? ['chardev'] as const : ['chardev', 'xattr'] as const) {
      test(`a deleted file, directory entry and opaque dir are invisible in the container (${driver}, ${format})`, async (t) => {
        if (!canRun(t)) return;
        if (driver === 'fuse-overlayfs' && !requireFeature(t, probes.fuseOverlayfs)) return;
        const leakOpts = { mountPrefix: env.root, marker: env.root };
        const before = await snapshot(leakOpts);
        const load = await cli(['load', '-i', path], { MYCTR_WHITEOUT_FORMAT: format });
        assert.equal(load.code, 0, load.stderr);
        // The container also deletes a file and a directory that come from the image's layers.
        const r = await cli(['run', '--network', 'none', '--rm', 'wh', '/bin/sh', '-c',
          `${CHECK} && busybox rm /a/y && busybox rm -r /d && test ! -e /a/y && test ! -e /d && busybox awk '$2 == "/" { print "fs=" $3 }' /proc/mounts`],
        { MYCTR_STORAGE_DRIVER: driver });
        assert.equal(r.code, 0, `checks failed: ${r.stdout} ${r.stderr}`);
        assert.doesNotMatch(r.stdout, /\.wh\./);
        assert.match(r.stdout, /\by\b/);
        const fs = /fs=(\S+)/.exec(r.stdout)?.[1];
        if (fstype) assert.equal(fs, fstype, r.stdout);
        else assert.ok(fs && !/overlay/.test(fs), `copy driver, got ${fs}`);
        assert.doesNotMatch(r.stderr, /warning/, 'a forced driver does not warn');
        const rmi = await cli(['rmi', 'wh']);
        assert.equal(rmi.code, 0, rmi.stderr);
        await assertNoLeaks(before, leakOpts);
      });
    }
  }

  test('a forced storage driver that is not a driver is a usage error', async (t) => {
    if (!canRun(t)) return;
    assert.equal((await cli(['load', '-i', path])).code, 0);
    const r = await cli(['run', '--network', 'none', '--rm', 'wh', 'true'], { MYCTR_STORAGE_DRIVER: 'zfs' });
    assert.equal(r.code, 125);
    assert.match(r.stderr, /MYCTR_STORAGE_DRIVER `zfs` is not a storage driver/);
    assert.equal((await cli(['rmi', 'wh'])).code, 0);
  });

  test('diff lists A/C/D against the image, export writes the merged rootfs', async (t) => {
    if (!canRun(t)) return;
    assert.equal((await cli(['load', '-i', path])).code, 0);
    const r = await cli(['run', '--network', 'none', '--name', 'wh-diff', 'wh', '/bin/sh', '-c', 'echo new > /added && echo c > /a/y && busybox rm /d/new']);
    assert.equal(r.code, 0, r.stderr);
    const d = await cli(['diff', 'wh-diff']);
    assert.equal(d.code, 0, d.stderr);
    const lines = d.stdout.trim().split('\n');
    assert.ok(lines.includes('A /added'), d.stdout);
    assert.ok(lines.includes('C /a/y'), d.stdout);
    assert.ok(lines.includes('D /d/new'), d.stdout);
    const out = join(work, 'export.tar');
    const e = await cli(['export', '-o', out, 'wh-diff']);
    assert.equal(e.code, 0, e.stderr);
    const list = (await import('node:child_process')).spawnSync('tar', ['-tf', out], { encoding: 'utf8' }).stdout.split('\n');
    assert.ok(list.includes('./added'), 'export has the added file');
    assert.ok(!list.includes('./f') && !list.includes('./d/new') && !list.includes('./a/x'), 'export has no deleted files');
    assert.ok(list.includes('./bin/busybox'));
    const rmi = await cli(['rmi', 'wh']);
    assert.notEqual(rmi.code, 0, 'rmi refuses an image a container uses');
    assert.match(rmi.stderr, /used by 1 container/);
  });
});
