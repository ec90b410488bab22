// Build layer worker: runs as root of the build's user namespace (or real root) in a private mount namespace.
// Applies a COPY/ADD/WORKDIR onto an overlay of the stage (so parents are copied up with their metadata and
// symlinks resolve inside the stage), prunes a RUN's mount-point artifacts, then digests the layer dir.
// One worker serves a whole build: a LayerJob per line on stdin, a LayerReply per line on stdout, in order
// (starting a process in namespaces per step cost more than the step). Exits at EOF.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mount, umount2 } from '../../sys/mount.js';
import { MNT, MS } from '../../sys/constants.js';
import { applyCopy, type CopyJob } from './layer-copy.js';
import { pruneArtifacts } from './layer-prune.js';
import { digestLayerDir } from './layer-tar.js';
import { secureJoin } from '../runtime/setup/secure-join.js';

process.title = 'myctr:[build-layer]';

export interface LayerJob {
  /** The layer tmp dir: `diff/` (the new layer), `work/`, and mount points. */
  dir: string;
  /** The stage's layers, bottom first. */
  lowers: string[];
  copy?: CopyJob;
  /** Container paths of a RUN's mount points, removed from the diff when the stage did not have them. */
  prune?: string[];
}

/**
 * A copy of `source` (a path inside `layers`, resolved there) at `<dir>/data`, owners and modes kept: the source
 * of a RUN's bind mount that is writable or comes from another stage. No layer is digested.
 */
export interface ExtractJob { dir: string; extract: { layers: string[]; source: string } }

export type LayerReply =
  | { type: 'layer-done'; diffId: string; size: number; empty: boolean }
  | { type: 'extracted'; path: string; file: boolean }
  | { type: 'layer-error'; message: string };

function reply(msg: LayerReply): void {
  writeSync(1, `${JSON.stringify(msg)}\n`);
}

const inUserns = process.env.MYCTR_WORKER_USERNS === '1';

/** Mounts `layers` (bottom first) read-only at `target`, or with `upper` as the writable layer. */
export function mountLayers(layers: readonly string[], target: string, upper?: { dir: string; work: string }): void {
  mkdirSync(target, { recursive: true });
  if (layers.length === 0 && upper) { mount(upper.dir, target, null, MS.BIND, null); return; }
  if (layers.length === 0) return;
  if (layers.length === 1 && !upper) { mount(layers[0]!, target, null, MS.BIND, null); return; }
  let data = `lowerdir=${[...layers].reverse().join(':')}`;
  if (upper) data += `,upperdir=${upper.dir},workdir=${upper.work}`;
  // Inside a user namespace overlayfs keeps its whiteouts and opaque markers in user.* xattrs (as the init).
  if (inUserns) data += ',userxattr';
  mount('overlay', target, 'overlay', upper ? 0 : MS.RDONLY, data);
}

function extractJob(job: ExtractJob): LayerReply {
  const src = join(job.dir, 'src');
  const data = join(job.dir, 'data');
  mountLayers(job.extract.layers, src);
  try {
    const abs = secureJoin(src, job.extract.source);
    let st;
    try { st = statSync(abs); } catch { throw new Error(`\`${job.extract.source}\` not found`); }
    const r = spawnSync('cp', ['-a', '--', abs, data], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`copying \`${job.extract.source}\`: ${(r.stderr || r.error?.message || `cp exited ${r.status}`).trim()}`);
    return { type: 'extracted', path: data, file: !st.isDirectory() };
  } finally {
    if (job.extract.layers.length > 0) umount2(src, MNT.DETACH);
    rmSync(src, { recursive: true, force: true });
  }
}

async function runJob(job: LayerJob | ExtractJob): Promise<LayerReply> {
  if ('extract' in job) return extractJob(job);
  const diff = join(job.dir, 'diff');
  const work = join(job.dir, 'work');
  mkdirSync(diff, { recursive: true, mode: 0o755 });
  if (job.copy) {
    mkdirSync(work, { recursive: true, mode: 0o700 });
    const merged = join(job.dir, 'merged');
    const src = join(job.dir, 'src');
    mountLayers(job.lowers, merged, { dir: diff, work });
    if (job.copy.from) mountLayers(job.copy.from.layers, src);
    try {
      await applyCopy(job.copy, merged, src);
    } finally {
      // Unmount before digesting: overlayfs may still hold changes in its work dir until then.
      if (job.copy.from && job.copy.from.layers.length > 0) umount2(src, MNT.DETACH);
      umount2(merged, 0);
    }
    rmSync(merged, { recursive: true, force: true });
    rmSync(src, { recursive: true, force: true });
  }
  if (job.prune) pruneArtifacts(diff, job.lowers, job.prune);
  for (const d of ['work', 'rootfs', 'copy']) rmSync(join(job.dir, d), { recursive: true, force: true });
  const digest = digestLayerDir(diff, join(job.dir, 'blob'));
  return { type: 'layer-done', ...digest };
}

async function main(): Promise<void> {
  process.umask(0);
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      reply(await runJob(JSON.parse(line) as LayerJob | ExtractJob));
    } catch (err) {
      reply({ type: 'layer-error', message: err instanceof Error ? err.message : String(err) });
    }
  }
}

await main();
