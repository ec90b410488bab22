// save/load in the three formats (ids, names and every config field survive), interop with skopeo, hostile and
// malformed archives refused leaving the store as it was, and tag/rmi/prune/system df reference counting.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TarEntry } from '../../../client/image/tar-writer.js';
import { buildTar } from '../../../client/image/tar-writer.js';
import { dockerArchive, makeConfig, makeLayer, ociArchive, sha, writeArchive } from '../../support/image-archives.js';
import { probes, requireFeature } from '../../support/probes.js';
import { skopeoProbe } from '../../support/registry.js';
import { runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';

const rootless = process.geteuid?.() !== 0;
const env = testEnv({ cleanupOwner: { after } });
const work = makeTempDir('myctr-arch-', { after });
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...env.env, ...extra } });
const storage = join(env.root, 'storage');

function canUnpack(t: TestContext): boolean {
  if (!rootless) return true;
  return requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange) && requireFeature(t, probes.newuidmap);
}

function storeState(): string {
  const ls = (d: string) => { try { return readdirSync(join(storage, d)).sort(); } catch { return []; } };
  let repos = '';
  try { repos = readFileSync(join(storage, 'repositories.json'), 'utf8'); } catch { /* none yet */ }
  return JSON.stringify({ images: ls('images'), layers: ls('layers'), repos });
}

const FULL_CONFIG = {
  Env: ['PATH=/bin'], Cmd: ['/bin/sh'], Shell: ['/bin/sh', '-c'], StopSignal: 'SIGQUIT', OnBuild: ['RUN true'],
  Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000 }, Labels: { a: 'b' }, WorkingDir: '/w', User: '1:1',
};
const base = makeLayer([{ path: 'etc/', type: 'dir' }, { path: 'etc/base', type: 'file', data: 'base\n' }]);
const top = makeLayer([{ path: 'top', type: 'file', data: 'top\n' }], 'none');
const layers = [base, top];
const configJson = makeConfig(layers, { config: FULL_CONFIG });
const id = sha(configJson).slice(7);

describe('save and load', () => {
  before(async () => {
    const src = writeArchive(join(work, 'src.tar'), ociArchive([{ layers, configJson }], 'localhost/full:1'));
    const r = await cli(['load', '-i', src]);
    if (r.code !== 0) throw new Error(r.stderr);
  });

  for (const format of ['myctr', 'oci-archive', 'docker-archive'] as const) {
    test(`${format}: round trip keeps the id, the name and every config field`, async (t) => {
      if (!canUnpack(t)) return;
      const out = join(work, `${format}.tar`);
      const s = await cli(['save', '--format', format, '-o', out, 'full:1']);
      assert.equal(s.code, 0, s.stderr);
      if (format === 'oci-archive') assert.match(s.stderr, /warning: .*Healthcheck, Shell, OnBuild/);
      else assert.doesNotMatch(s.stderr, /warning/);
      const env2 = testEnv({ cleanupOwner: { after } });
      const l = await runCli(['load', '-i', out], { env: env2.env });
      assert.equal(l.code, 0, l.stderr);
      assert.match(l.stdout, /Loaded image: localhost\/full:1/);
      const insp = await runCli(['image', 'inspect', 'full:1'], { env: env2.env });
      assert.equal(insp.code, 0, insp.stderr);
      const [img] = JSON.parse(insp.stdout) as { Id: string; Config: Record<string, unknown> }[];
      assert.equal(img!.Id, `sha256:${id}`);
      assert.deepEqual(img!.Config, FULL_CONFIG);
      if (skopeoProbe.ok && format !== 'myctr') {
        const r = spawnSync('skopeo', ['inspect', '--config', `${format}:${out}`], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual((JSON.parse(r.stdout) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids, [base.diffId, top.diffId]);
      }
    });
  }
});

const evil = (entries: TarEntry[]) => {
  const l = makeLayer(entries, 'none');
  return dockerArchive([l], makeConfig([l]), ['evil:1']);
};
const good = makeLayer([{ path: 'ok', type: 'file', data: 'ok' }], 'none');
const goodCfg = makeConfig([good]);

const HOSTILE: [string, () => Buffer, RegExp][] = [
  ['outer member with ..', () => buildTar([{ path: '../x', type: 'file', data: 'x' }]), /member `\.\.\/x`: path contains/],
  ['outer symlink to a host file', () => buildTar([{ path: 'manifest.json', type: 'symlink', linkpath: '/etc/passwd' }]), /links outside/],
  ['layer entry with ..', () => evil([{ path: '../evil', type: 'file', data: 'x' }]), /unsafe archive entry/],
  ['layer symlink then a path through it', () => evil([{ path: 'x', type: 'symlink', linkpath: '/etc' }, { path: 'x/passwd', type: 'file', data: 'x' }]), /through symlink/],
  ['layer hardlink to a host file', () => evil([{ path: 'h', type: 'hardlink', linkpath: '/etc/passwd' }]), /hardlink target/],
  ['diff id mismatch', () => dockerArchive([good], makeConfig([makeLayer([{ path: 'other', type: 'file' }], 'none')]), ['evil:1']), /hashes to .* not .* as the image config says/],
  ['config digest mismatch', () => dockerArchive([good], goodCfg, ['evil:1'], (e) => {
    const cfg = e.find((x) => x.path.endsWith('.json') && x.path !== 'manifest.json')!;
    cfg.data = goodCfg.replace('amd64', 'arm64');
  }), /digest mismatch/],
  ['oci blob digest mismatch', () => {
    const t = ociArchive([{ layers: [good], configJson: goodCfg }]);
    const i = t.indexOf(Buffer.from('ok'), t.indexOf(good.digest.slice(7)) + 512);
    t[i] = 0x4e;
    return t;
  }, /digest mismatch/],
  ['malformed metadata.json', () => buildTar([{ path: 'metadata.json', type: 'file', data: '{"version": 1,' }]), /malformed metadata\.json/],
  ['metadata.json missing fields', () => buildTar([{ path: 'metadata.json', type: 'file', data: '{"version": 1}' }]), /missing `config`/],
  ['manifest.json not a list', () => buildTar([{ path: 'manifest.json', type: 'file', data: '{}' }]), /malformed manifest\.json/],
  ['config without rootfs', () => dockerArchive([good], JSON.stringify({ architecture: 'amd64', os: 'linux' }), ['evil:1']), /rootfs\.diff_ids/],
];

describe('hostile and malformed archives are refused, leaving the store as it was', () => {
  for (const [name, make, why] of HOSTILE) {
    test(name, async (t) => {
      if (!canUnpack(t)) return;
      const before = storeState();
      const f = writeArchive(join(work, 'evil.tar'), make());
      const r = await cli(['load', '-i', f]);
      assert.equal(r.code, 125, r.stdout);
      assert.match(r.stderr, why);
      assert.match(r.stderr, /hint: /);
      assert.equal(storeState(), before);
    });
  }

  test('a tar bomb beyond the size limit', async (t) => {
    if (!canUnpack(t)) return;
    const before = storeState();
    const big = makeLayer([{ path: 'big', type: 'file', data: Buffer.alloc(200_000) }]);
    const f = writeArchive(join(work, 'bomb.tar'), ociArchive([{ layers: [big], configJson: makeConfig([big]) }]));
    const r = await cli(['load', '-i', f], { MYCTR_MAX_LAYER_BYTES: '100000' });
    assert.equal(r.code, 125);
    assert.match(r.stderr, /size limit/);
    assert.equal(storeState(), before);
  });
});

describe('tag, rmi, prune, system df', () => {
  test('layers shared by images are stored and counted once and freed with the last image', async (t) => {
    if (!canUnpack(t)) return;
    const e = testEnv({ cleanupOwner: { after } });
    const c = (args: string[]) => runCli(args, { env: e.env });
    const one = [base];
    assert.equal((await c(['load', '-i', writeArchive(join(work, 'one.tar'), ociArchive([{ layers: one, configJson: makeConfig(one) }], 'localhost/one:1'))])).code, 0);
    assert.equal((await c(['load', '-i', writeArchive(join(work, 'two.tar'), ociArchive([{ layers, configJson }], 'localhost/two:1'))])).code, 0);
    const layerDirs = () => readdirSync(join(e.root, 'storage', 'layers')).filter((d) => /^[0-9a-f]{64}$/.test(d)).sort();
    assert.deepEqual(layerDirs(), [base.diffId.slice(7), top.diffId.slice(7)].sort());
    const df = JSON.parse((await c(['system', 'df', '--format', 'json'])).stdout) as { images: { total: number }; layers: { count: number } };
    assert.equal(df.images.total, 2);
    assert.equal(df.layers.count, 2);
    assert.equal((await c(['tag', 'two:1', 'two:alias'])).code, 0);
    const untag = await c(['rmi', 'two:alias']);
    assert.match(untag.stdout, /Untagged: localhost\/two:alias/);
    assert.doesNotMatch(untag.stdout, /Deleted/);
    const rm = await c(['rmi', 'two:1']);
    assert.match(rm.stdout, /Deleted: /);
    assert.deepEqual(layerDirs(), [base.diffId.slice(7)], 'the shared layer stays for `one`');
    const hist = await c(['image', 'history', 'one:1']);
    assert.match(hist.stdout, /layer 0/);
    const prune = await c(['image', 'prune', '-a']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.deepEqual(layerDirs(), []);
    assert.deepEqual(readdirSync(join(e.root, 'storage', 'images')), []);
  });
});
