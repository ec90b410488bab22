// `myctr build` pulls base images it lacks from a real registry (Debian's docker-registry on 127.0.0.1, behind
// the test proxy that can break a download): FROM, COPY --from and RUN --mount from= an image; --pull=never
// refuses clearly; a failed pull leaves no image, layer or tmp dir; --pull=always re-resolves a tag that moved
// while missing keeps the stored image; FROM --platform / --platform pick from a multi-arch index. Root and
// rootless.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { probes, requireFeature } from '../../support/probes.js';
import { makeConfig, makeLayer, ociArchive, writeArchive } from '../../support/image-archives.js';
import { registryProbe, skopeoProbe, startProxy, startRegistry, type TestProxy, type TestRegistry } from '../../support/registry.js';
import { runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv, type TestEnv } from '../../support/tmp.js';
import { imageIdOf, setupBuildFixture, type BuildFixture } from './build-helpers.js';

const rootless = process.geteuid?.() !== 0;
const work = makeTempDir('myctr-build-reg-', { after });
let fx: BuildFixture;
let reg: TestRegistry | undefined;
let proxy: TestProxy | undefined;

function ready(t: TestContext): boolean {
  if (!requireFeature(t, registryProbe) || !requireFeature(t, probes.userns)) return false;
  if (rootless) return requireFeature(t, probes.subuidRange) && requireFeature(t, probes.newuidmap);
  return true;
}

/** A second, empty store: everything it builds from must be pulled. */
function freshStore(): { env: TestEnv; build(dir: string, args: readonly string[]): ReturnType<typeof runCli>; cli(args: readonly string[]): ReturnType<typeof runCli> } {
  const env = testEnv({ cleanupOwner: { after } });
  const cli = (args: readonly string[], cwd?: string) => runCli(args, { env: env.env, timeoutMs: 120_000, ...(cwd ? { cwd } : {}) });
  return { env, cli: (a) => cli(a), build: (dir, args) => cli(['build', ...args, '.'], dir) };
}

function storeEntries(env: TestEnv, sub: string): string[] {
  try { return readdirSync(join(env.root, 'storage', sub)).sort(); } catch { return []; }
}

function layersOf(env: TestEnv, id: string): string[] {
  return (JSON.parse(readFileSync(join(env.root, 'storage', 'images', `${id}.json`), 'utf8')) as { layers: string[] }).layers;
}

/** The blob digests of the image's layers, from the registry's manifest. */
async function layerDigests(repo: string, tag: string): Promise<string[]> {
  const res = await fetch(`http://${reg!.host}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
}

async function push(local: string, dest: string): Promise<void> {
  const r = await fx.cli(['push', local, dest]);
  assert.equal(r.code, 0, r.stderr);
}

describe('myctr build pulls base images', () => {
  before(async () => {
    fx = await setupBuildFixture();
    if (!registryProbe.ok) return;
    reg = await startRegistry(work);
    proxy = await startProxy(reg);
  });
  after(async () => {
    await proxy?.stop();
    await reg?.stop();
    await fx?.cleanup();
  });

  test('FROM an image the store lacks: --pull=never refuses, a broken download leaves nothing, then it is pulled and built', async (t) => {
    if (!ready(t)) return;
    await push('busybox', `${reg!.host}/t/bb:1`);
    const ref = `${proxy!.host}/t/bb:1`;
    const s = freshStore();
    const dir = fx.context({ Containerfile: `FROM ${ref}\nRUN echo built-on-pulled > /b\n` });

    const never = await s.build(dir, ['--pull=never', '-t', 'app']);
    assert.equal(never.code, 125, never.stderr);
    assert.match(never.stderr, new RegExp(`Containerfile:1: \`FROM ${ref}\`: base image \`${ref}\` not found in local storage`));
    assert.match(never.stderr, /hint: .*--pull=never forbids fetching it/);

    const [layer] = await layerDigests('t/bb', '1');
    proxy!.sabotage(layer!, 'corrupt');
    const broken = await s.build(dir, ['-t', 'app']);
    assert.equal(broken.code, 125, broken.stderr);
    assert.match(broken.stderr, new RegExp(`Containerfile:1: \`FROM ${ref}\`: pulling \`${ref}\`: .*digest`));
    assert.deepEqual(storeEntries(s.env, 'images').filter((f) => f.endsWith('.json')), [], 'no image record');
    assert.deepEqual(storeEntries(s.env, 'layers'), [], 'no layer and no layer tmp dir');

    const ok = await s.build(dir, ['-t', 'app']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, new RegExp(`#1 \\d+\\.\\d+ pulling ${ref}\\n`));
    assert.match(ok.stderr, new RegExp(`#1 \\d+\\.\\d+ ${layer!.slice(7, 19)}: done\\n`), 'one line per layer in the FROM step');
    const run = await s.cli(['run', '--rm', '--network', 'none', 'app', 'cat', '/b']);
    assert.equal(run.stdout, 'built-on-pulled\n', run.stderr);
    const images = await s.cli(['images']);
    assert.match(images.stdout, new RegExp(`^${proxy!.host}/t/bb\\s+1\\s`, 'm'), `the base image is stored under its name: ${images.stdout}`);
  });

  test('--pull=always re-resolves a moved tag, missing keeps the stored one; COPY --from and RUN --mount from= an image pull too', async (t) => {
    if (!ready(t)) return;
    const ref = `${reg!.host}/t/moving:1`;
    await push('busybox', ref);
    const s = freshStore();
    const dir = fx.context({ Containerfile: `FROM ${ref}\nRUN cat /version 2>/dev/null > /seen || echo v1 > /seen\n` });
    const first = await s.build(dir, ['-q', '-t', 'app']);
    assert.equal(first.code, 0, first.stderr);

    const v2 = await fx.build(fx.context({ Containerfile: 'FROM busybox\nRUN echo v2 > /version\n' }), ['-q', '-t', 'bb-v2']);
    assert.equal(v2.code, 0, v2.stderr);
    await push('bb-v2', ref);

    const missing = await s.build(dir, ['-t', 'app']);
    assert.equal(missing.code, 0, missing.stderr);
    assert.doesNotMatch(missing.stderr, /pulling/);
    assert.match(missing.stderr, /#2 CACHED/, 'missing: the stored base, so the RUN is cached');
    assert.deepEqual(layersOf(s.env, imageIdOf(missing)), layersOf(s.env, imageIdOf(first)));
    const always = await s.build(dir, ['--pull=always', '-t', 'app']);
    assert.equal(always.code, 0, always.stderr);
    assert.match(always.stderr, /pulling /);
    assert.notDeepEqual(layersOf(s.env, imageIdOf(always)), layersOf(s.env, imageIdOf(first)));
    const seen = await s.cli(['run', '--rm', '--network', 'none', 'app', 'cat', '/seen']);
    assert.equal(seen.stdout, 'v2\n', 'built on the re-resolved tag');

    const other = `${reg!.host}/t/other:1`;
    await push('bb-v2', other);
    const s2 = freshStore();
    const uses = fx.context({
      Containerfile: `FROM scratch AS empty\nFROM ${ref}\nCOPY --from=${other} /version /copied\n`
        + `RUN --mount=type=bind,from=${other},source=/version,target=/v cat /v > /mounted\n`,
    });
    const r = await s2.build(uses, ['-q', '-t', 'uses']);
    assert.equal(r.code, 0, r.stderr);
    const out = await s2.cli(['run', '--rm', '--network', 'none', 'uses', 'cat', '/copied', '/mounted']);
    assert.equal(out.stdout, 'v2\nv2\n', out.stderr);
  });

  test('FROM --platform and --platform pick that platform from a multi-arch index; the result has its architecture', async (t) => {
    if (!ready(t) || !requireFeature(t, skopeoProbe)) return;
    const host = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const other = host === 'arm64' ? 'amd64' : 'arm64';
    const layer = (arch: string) => makeLayer([{ path: 'arch', type: 'file', data: `${arch}\n` }]);
    const images = [host, other].map((arch) => { const l = layer(arch); return { layers: [l], configJson: makeConfig([l], { architecture: arch }), platform: { os: 'linux', architecture: arch } }; });
    const archive = writeArchive(join(work, 'multi.tar'), ociArchive(images));
    const ref = `${reg!.host}/t/multi:1`;
    const r = spawnSync('skopeo', ['copy', '--all', '--quiet', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${ref}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `skopeo copy: ${r.stderr}`);
    const s = freshStore();
    const viaFrom = await s.build(fx.context({ Containerfile: `FROM --platform=linux/${other} ${ref}\nLABEL a=1\n` }), ['-q', '-t', 'from-platform']);
    assert.equal(viaFrom.code, 0, viaFrom.stderr);
    assert.match(viaFrom.stderr, new RegExp(`the platform linux/${other} is not this host's .*emulator`));
    const viaFlag = await s.build(fx.context({ Containerfile: `FROM ${ref}\nARG TARGETARCH\nLABEL arch=$TARGETARCH\n` }), ['-q', '--platform', `linux/${other}`, '-t', 'flag-platform']);
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    const plain = await s.build(fx.context({ Containerfile: `FROM ${ref}\nLABEL a=1\n` }), ['-q', '-t', 'host-platform']);
    assert.equal(plain.code, 0, plain.stderr);
    const rec = (id: string) => JSON.parse(readFileSync(join(s.env.root, 'storage', 'images', `${id}.json`), 'utf8')) as { layers: string[]; architecture: string; config: { Labels?: Record<string, string> } };
    const [h, o] = images.map((i) => i.layers[0]!.diffId);
    assert.deepEqual([rec(imageIdOf(viaFrom)).layers, rec(imageIdOf(viaFrom)).architecture], [[o], other]);
    assert.deepEqual([rec(imageIdOf(viaFlag)).layers, rec(imageIdOf(viaFlag)).architecture, rec(imageIdOf(viaFlag)).config.Labels?.arch], [[o], other, other]);
    assert.deepEqual([rec(imageIdOf(plain)).layers, rec(imageIdOf(plain)).architecture], [[h], host]);
    const never = await s.build(fx.context({ Containerfile: `FROM --platform=linux/${other} ${ref}\n` }), ['--pull=never']);
    assert.equal(never.code, 125, never.stderr);
    assert.match(never.stderr, new RegExp(`base image \`${ref}\` for linux/${other} \\(the stored one is linux/${host}\\) not found`));
  });
});
