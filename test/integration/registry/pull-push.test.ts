// Pull and push against a real registry (Debian's docker-registry on 127.0.0.1), seeded with skopeo from archives
// built here: a multi-arch index, gzip and zstd layers, htpasswd auth, a blob the registry already has (not
// uploaded again), chunked upload, an interrupted pull resumed with Range, a truncated and a corrupted download.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeConfig, makeLayer, ociArchive, sha, writeArchive, type BuiltLayer } from '../../support/image-archives.js';
import { findExecutable, probes, requireFeature } from '../../support/probes.js';
import { htpasswdProbe, registryProbe, skopeoProbe, startProxy, startRegistry, type TestProxy, type TestRegistry } from '../../support/registry.js';
import { runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';

const rootless = process.geteuid?.() !== 0;
const work = makeTempDir('myctr-reg-', { after });
let reg: TestRegistry | undefined;
let authReg: TestRegistry | undefined;
let proxy: TestProxy | undefined;
const AUTH = { user: 'alice', password: 's3cret-pw' };

function ready(t: TestContext): boolean {
  if (!requireFeature(t, registryProbe) || !requireFeature(t, skopeoProbe)) return false;
  if (rootless) return requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange) && requireFeature(t, probes.newuidmap);
  return true;
}

function cliIn(env: ReturnType<typeof testEnv>) {
  return (args: string[], input?: string) => runCli(args, { env: env.env, ...(input !== undefined ? { input } : {}) });
}

function skopeoCopy(archive: string, dest: string, extra: string[] = []): void {
  const r = spawnSync('skopeo', ['copy', '--all', '--quiet', '--dest-tls-verify=false', ...extra, `oci-archive:${archive}`, `docker://${dest}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `skopeo copy: ${r.stderr}`);
}

function storeLayers(env: ReturnType<typeof testEnv>): string[] {
  try { return readdirSync(join(env.root, 'storage', 'layers')).sort(); } catch { return []; }
}

const file = (path: string, data: string) => ({ path, type: 'file' as const, data });

before(async () => {
  if (!registryProbe.ok) return;
  reg = await startRegistry(work);
  proxy = await startProxy(reg);
  if (htpasswdProbe.ok) authReg = await startRegistry(work, AUTH);
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
  await authReg?.stop();
});

describe('pull', () => {
  test('multi-arch index: the host platform by default, --platform picks another', async (t) => {
    if (!ready(t)) return;
    const amd = [makeLayer([file('arch', 'amd64\n')])];
    const arm = [makeLayer([file('arch', 'arm64\n')])];
    const cfgAmd = makeConfig(amd, { architecture: 'amd64' });
    const cfgArm = makeConfig(arm, { architecture: 'arm64' });
    const a = writeArchive(join(work, 'multi.tar'), ociArchive([
      { layers: amd, configJson: cfgAmd, platform: { os: 'linux', architecture: 'amd64' } },
      { layers: arm, configJson: cfgArm, platform: { os: 'linux', architecture: 'arm64' } },
    ]));
    skopeoCopy(a, `${reg!.host}/t/multi:1`);
    const env = testEnv({ cleanupOwner: { after } });
    const cli = cliIn(env);
    const host = process.arch === 'arm64' ? cfgArm : cfgAmd;
    const p = await cli(['pull', `${reg!.host}/t/multi:1`]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim(), sha(host).slice(7), 'the host platform image (its config digest is the id)');
    const other = process.arch === 'arm64' ? 'linux/amd64' : 'linux/arm64';
    const q = await cli(['pull', '--platform', other, `${reg!.host}/t/multi:1`]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stdout.trim(), sha(host === cfgAmd ? cfgArm : cfgAmd).slice(7));
    const bad = await cli(['pull', '--platform', 'linux/s390x', `${reg!.host}/t/multi:1`]);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /no image for linux\/s390x/);
  });

  test('gzip and zstd layers', async (t) => {
    if (!ready(t) || !requireFeature(t, findExecutable('zstd') ? { ok: true } : { ok: false, reason: 'zstd: not found' })) return;
    const layers = [makeLayer([file('g', 'gzip\n')], 'gzip'), makeLayer([file('z', 'zstd\n')], 'zstd')];
    const cfg = makeConfig(layers);
    skopeoCopy(writeArchive(join(work, 'gz-zst.tar'), ociArchive([{ layers, configJson: cfg }])), `${reg!.host}/t/comp:1`);
    const env = testEnv({ cleanupOwner: { after } });
    const p = await cliIn(env)(['pull', `${reg!.host}/t/comp:1`]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim(), sha(cfg).slice(7));
    const z = JSON.parse(readFileSync(join(env.root, 'storage', 'layers', layers[1]!.diffId.slice(7), 'layer.json'), 'utf8')) as { blob: { compression: string; digest: string } };
    assert.equal(z.blob.compression, 'zstd');
    assert.equal(z.blob.digest, layers[1]!.digest, 'the blob is kept as pulled');
    assert.equal(readFileSync(join(env.root, 'storage', 'layers', layers[1]!.diffId.slice(7), 'diff', 'z'), 'utf8'), 'zstd\n');
  });

  test('an interrupted download is resumed with Range; nothing is stored until it completes', async (t) => {
    if (!ready(t)) return;
    // gzip: skopeo compresses plain layers on the way to a registry, which would change the digest.
    const big = makeLayer([file('big', randomBytes(300_000).toString('base64'))]);
    const cfg = makeConfig([big]);
    skopeoCopy(writeArchive(join(work, 'resume.tar'), ociArchive([{ layers: [big], configJson: cfg }])), `${reg!.host}/t/resume:1`);
    const env = testEnv({ cleanupOwner: { after } });
    const cli = cliIn(env);
    proxy!.sabotage(big.digest, 'cut');
    const first = await cli(['pull', `${proxy!.host}/t/resume:1`]);
    assert.equal(first.code, 125, first.stderr);
    assert.match(first.stderr, /interrupted|truncated/);
    assert.deepEqual(storeLayers(env), [], 'no layer stored');
    const partial = join(env.root, 'storage', 'downloads', `${big.digest.slice(7)}.partial`);
    const have = statSync(partial).size;
    assert.ok(have > 0 && have < big.blob.length, `partial file kept (${have} bytes)`);
    const second = await cli(['pull', `${proxy!.host}/t/resume:1`]);
    assert.equal(second.code, 0, second.stderr);
    const gets = proxy!.log.filter((l) => l.url.endsWith(big.digest) && l.method === 'GET');
    assert.equal(gets.at(-1)?.range, `bytes=${have}-`, 'the second download continued where the first stopped');
    assert.deepEqual(storeLayers(env), [big.diffId.slice(7)]);
  });

  test('`image prune` removes an abandoned partial download', async (t) => {
    if (!ready(t)) return;
    const l = makeLayer([file('p', randomBytes(50_000).toString('base64'))]);
    skopeoCopy(writeArchive(join(work, 'prune.tar'), ociArchive([{ layers: [l], configJson: makeConfig([l]) }])), `${reg!.host}/t/prune:1`);
    const env = testEnv({ cleanupOwner: { after } });
    const cli = cliIn(env);
    proxy!.sabotage(l.digest, 'cut');
    assert.equal((await cli(['pull', `${proxy!.host}/t/prune:1`])).code, 125);
    const partial = join(env.root, 'storage', 'downloads', `${l.digest.slice(7)}.partial`);
    assert.ok(statSync(partial).size > 0);
    const p = await cli(['image', 'prune']);
    assert.equal(p.code, 0, p.stderr);
    assert.throws(() => statSync(partial), /ENOENT/);
  });

  test('a corrupted blob is refused (digest mismatch) and leaves nothing', async (t) => {
    if (!ready(t)) return;
    const l = makeLayer([file('c', randomBytes(20_000).toString('base64'))]);
    const cfg = makeConfig([l]);
    skopeoCopy(writeArchive(join(work, 'corrupt.tar'), ociArchive([{ layers: [l], configJson: cfg }])), `${reg!.host}/t/corrupt:1`);
    const env = testEnv({ cleanupOwner: { after } });
    proxy!.sabotage(l.digest, 'corrupt');
    const r = await cliIn(env)(['pull', `${proxy!.host}/t/corrupt:1`]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /digest mismatch/);
    assert.deepEqual(storeLayers(env), []);
    assert.deepEqual(readdirSync(join(env.root, 'storage', 'downloads')).filter((f) => f.endsWith('.partial') && f.startsWith(l.digest.slice(7))), []);
    assert.deepEqual(readdirSync(join(env.root, 'storage', 'images')), []);
  });
});

describe('push', () => {
  test('a blob the registry has is not uploaded again; chunked upload works', async (t) => {
    if (!ready(t)) return;
    const base = makeLayer([file('base', `base ${Math.random()}\n`)]);
    const top = makeLayer([file('top', randomBytes(5000).toString('base64'))]);
    const a = [base];
    const b = [base, top];
    const env = testEnv({ cleanupOwner: { after } });
    const cli = cliIn(env);
    const archive = writeArchive(join(work, 'push.tar'), ociArchive([{ layers: b, configJson: makeConfig(b) }], 'pushme:2'));
    const archiveA = writeArchive(join(work, 'push-a.tar'), ociArchive([{ layers: a, configJson: makeConfig(a) }], 'pushme:1'));
    for (const f of [archiveA, archive]) assert.equal((await cli(['load', '-i', f])).code, 0);
    const p1 = await cli(['push', 'pushme:1', `${proxy!.host}/t/push:1`]);
    assert.equal(p1.code, 0, p1.stderr);
    const mark = proxy!.log.length;
    const p2 = await cli(['push', '--chunk-size', '1000', 'pushme:2', `${proxy!.host}/t/push:2`]);
    assert.equal(p2.code, 0, p2.stderr);
    const reqs = proxy!.log.slice(mark);
    assert.ok(reqs.some((r) => r.method === 'HEAD' && r.url.endsWith(base.digest)), 'existence checked');
    assert.equal(reqs.filter((r) => r.method === 'POST').length, 2, 'only the new layer and config are uploaded');
    assert.ok(reqs.some((r) => r.method === 'PATCH'), 'chunked');
    assert.match(p2.stderr, /1 already there/);
    const insp = spawnSync('skopeo', ['inspect', '--tls-verify=false', `docker://${reg!.host}/t/push:2`], { encoding: 'utf8' });
    assert.equal(insp.status, 0, insp.stderr);
    assert.deepEqual((JSON.parse(insp.stdout) as { Layers: string[] }).Layers, [base.digest, top.digest]);
    // And back: a fresh store pulls what was pushed, to the same image id.
    const env2 = testEnv({ cleanupOwner: { after } });
    const back = await cliIn(env2)(['pull', `${reg!.host}/t/push:2`]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout.trim(), sha(makeConfig(b)).slice(7));
  });
});

describe('auth', () => {
  test('Bearer token auth: a token from the realm with the stored credentials, for pull and push', async (t) => {
    if (!ready(t)) return;
    const tokenProxy = await startProxy(reg!, AUTH);
    t.after(() => tokenProxy.stop());
    const l: BuiltLayer[] = [makeLayer([file('tok', `token ${Math.random()}\n`)])];
    const cfg = makeConfig(l);
    skopeoCopy(writeArchive(join(work, 'token.tar'), ociArchive([{ layers: l, configJson: cfg }])), `${reg!.host}/t/tok:1`);
    const env = testEnv({ cleanupOwner: { after } });
    const cli = cliIn(env);
    const denied = await cli(['pull', `${tokenProxy.host}/t/tok:1`]);
    assert.equal(denied.code, 125);
    assert.match(denied.stderr, /authentication required/);
    const login = await cli(['login', '-u', AUTH.user, '--password-stdin', tokenProxy.host], `${AUTH.password}\n`);
    assert.equal(login.code, 0, login.stderr);
    const p = await cli(['pull', `${tokenProxy.host}/t/tok:1`]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim(), sha(cfg).slice(7));
    assert.ok(tokenProxy.log.some((r) => r.url.startsWith('/token?') && r.url.includes('scope=repository%3At%2Ftok%3Apull')), 'a pull-scoped token was asked for');
    const push = await cli(['push', `${tokenProxy.host}/t/tok:1`, `${tokenProxy.host}/t/tok2:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.ok(tokenProxy.log.some((r) => r.url.includes('scope=repository%3At%2Ftok2%3Apull%2Cpush')), 'a push-scoped token was asked for');
  });

  test('htpasswd registry: refused without login, works after `myctr login`; the login file is 0600', async (t) => {
    if (!ready(t) || !requireFeature(t, htpasswdProbe)) return;
    const l: BuiltLayer[] = [makeLayer([file('secret', 'inside\n')])];
    skopeoCopy(writeArchive(join(work, 'auth.tar'), ociArchive([{ layers: l, configJson: makeConfig(l) }])), `${authReg!.host}/t/priv:1`,
      ['--dest-creds', `${AUTH.user}:${AUTH.password}`]);
    const env = testEnv({ cleanupOwner: { after } });
    const cli = cliIn(env);
    const denied = await cli(['pull', `${authReg!.host}/t/priv:1`]);
    assert.equal(denied.code, 125);
    assert.match(denied.stderr, /authentication required/);
    assert.match(denied.stderr, /myctr login/);
    const wrong = await cli(['login', '-u', AUTH.user, '--password-stdin', authReg!.host], 'nope\n');
    assert.equal(wrong.code, 125, wrong.stdout);
    const ok = await cli(['login', '-u', AUTH.user, '--password-stdin', authReg!.host], `${AUTH.password}\n`);
    assert.equal(ok.code, 0, ok.stderr);
    const authFile = join(env.runRoot, 'auth.json');
    assert.equal(statSync(authFile).mode & 0o777, 0o600);
    const p = await cli(['pull', `${authReg!.host}/t/priv:1`]);
    assert.equal(p.code, 0, p.stderr);
    const out = await cli(['logout', authReg!.host]);
    assert.equal(out.code, 0, out.stderr);
  });
});
