// The image benches' shared input: one 5-layer image (the busybox rootfs plus four layers of ~2 MB of files
// each, gzip), as an OCI archive, pushed with skopeo to a docker-registry on 127.0.0.1 started in the bench's
// temp dir, and saved by myctr as a docker-archive. myctr and podman get the same bytes in every section.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { BenchContext } from './context.js';
import { myctrFixture, type MyctrSetup } from './myctr.js';
import { busyboxRootfs } from './rootfs.js';
import { errorLine, exec, which } from './tools.js';

export const FIVE_NAME = 'localhost/myctr-bench-five:1';

export interface ImageFixture {
  readonly ociArchive: string;
  readonly dockerArchive: string;
  /** `127.0.0.1:<port>/bench/five:1` */
  readonly remote: string;
  readonly myctr: MyctrSetup;
}

export type ImageFixtureResult = { readonly ok: true; readonly fx: ImageFixture } | { readonly ok: false; readonly reason: string };

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function buildOciArchive(ctx: BenchContext, out: string): Promise<void> {
  const { buildTar } = await import('../../client/image/tar-writer.js');
  const plain: Buffer[] = [readFileSync((await busyboxRootfs(ctx)).tar)];
  for (let i = 1; i <= 4; i++) {
    // Half random, half repetitive: compresses about 2:1 like typical binaries and text.
    const files = Array.from({ length: 16 }, (_, j) => ({
      path: `data/l${i}/f${j}`, type: 'file' as const, data: Buffer.concat([randomBytes(64 * 1024), Buffer.alloc(64 * 1024, j)]),
    }));
    plain.push(buildTar([{ path: 'data/', type: 'dir' }, { path: `data/l${i}/`, type: 'dir' }, ...files]));
  }
  const blobs = plain.map((p) => gzipSync(p));
  const config = JSON.stringify({
    architecture: (await import('../../client/image/config.js')).ociArchitecture(), os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: plain.map(sha) },
    history: plain.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `bench layer ${i}` })),
  });
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: blobs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(b), size: b.length })),
  });
  const index = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': FIVE_NAME } }] });
  const members = [...blobs, Buffer.from(config), Buffer.from(manifest)];
  writeFileSync(out, buildTar([
    { path: 'oci-layout', type: 'file', data: '{"imageLayoutVersion":"1.0.0"}' }, { path: 'index.json', type: 'file', data: index },
    { path: 'blobs/', type: 'dir' }, { path: 'blobs/sha256/', type: 'dir' },
    ...members.map((b) => ({ path: `blobs/sha256/${sha(b).slice(7)}`, type: 'file' as const, data: b })),
  ]));
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startRegistry(ctx: BenchContext): Promise<string> {
  const bin = which('docker-registry', ['/usr/bin/docker-registry']);
  if (!bin) throw new Error('docker-registry is not installed (apt-get install docker-registry)');
  const dir = join(ctx.tmp, 'registry');
  mkdirSync(dir);
  const port = await freePort();
  const cfg = join(dir, 'config.yml');
  writeFileSync(cfg, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child = spawn(bin, ['serve', cfg], { stdio: 'ignore' });
  ctx.onCleanup('docker-registry', async () => {
    if (child.exitCode === null) { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); }
  });
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(`http://127.0.0.1:${port}/v2/`); await r.body?.cancel(); return `127.0.0.1:${port}`; } catch { await sleep(50); }
  }
  throw new Error('docker-registry did not start');
}

export function imageFixture(ctx: BenchContext): Promise<ImageFixtureResult> {
  return ctx.fixture('images', async (): Promise<ImageFixtureResult> => {
    try {
      const m = await myctrFixture(ctx);
      if (!m.ok) return { ok: false, reason: m.reason };
      const skopeo = which('skopeo');
      if (!skopeo) return { ok: false, reason: 'skopeo is not installed (it seeds the registry)' };
      ctx.progress('setting up: 5-layer image, registry');
      const ociArchive = join(ctx.tmp, 'five-oci.tar');
      await buildOciArchive(ctx, ociArchive);
      const host = await startRegistry(ctx);
      const remote = `${host}/bench/five:1`;
      const copy = await exec([skopeo, 'copy', '--quiet', '--dest-tls-verify=false', `oci-archive:${ociArchive}`, `docker://${remote}`]);
      if (copy.code !== 0) return { ok: false, reason: `skopeo copy: ${errorLine(copy.stderr)}` };
      const load = await exec([...m.setup.cli, 'load', '-i', ociArchive], { env: m.setup.env });
      if (load.code !== 0) return { ok: false, reason: `myctr load: ${errorLine(load.stderr)}` };
      const dockerArchive = join(ctx.tmp, 'five-docker.tar');
      const save = await exec([...m.setup.cli, 'save', '--format', 'docker-archive', '-o', dockerArchive, FIVE_NAME], { env: m.setup.env });
      if (save.code !== 0) return { ok: false, reason: `myctr save: ${errorLine(save.stderr)}` };
      return { ok: true, fx: { ociArchive, dockerArchive, remote, myctr: m.setup } };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  });
}

/** A second, empty store for the tool (pull and load must not find the layers already there). Podman's get a
 *  short path of their own: podman refuses a runroot longer than 50 characters. */
export function scratchStores(ctx: BenchContext, name: string): { myctrEnv: NodeJS.ProcessEnv; podmanBase: (podman: string) => string[] } {
  const dir = join(ctx.tmp, `scratch-${name}`);
  mkdirSync(dir, { recursive: true });
  const short = mkdtempSync(join(tmpdir(), 'mbp-'));
  ctx.onCleanup(`podman scratch store ${name}`, async () => {
    const podman = which('podman');
    const base = podman ? [podman, '--root', join(short, 'r'), '--runroot', join(short, 'rr'), '--tmpdir', join(short, 't')] : [];
    if (podman && process.geteuid?.() !== 0) await exec([...base, 'unshare', 'rm', '-rf', join(short, 'r'), join(short, 'rr')]);
    else if (podman) await exec([...base, 'system', 'reset', '--force']);
    rmSync(short, { recursive: true, force: true });
  });
  return {
    myctrEnv: { MYCTR_ROOT: join(dir, 'myctr-root'), MYCTR_RUNROOT: join(dir, 'myctr-run') },
    podmanBase: (podman) => [podman, '--root', join(short, 'r'), '--runroot', join(short, 'rr'), '--tmpdir', join(short, 't')],
  };
}
