// Host side of build layers: runs a LayerJob in the layer worker (user + mount namespace when rootless, a
// mount namespace as root, so no overlay mount is ever visible on the host or outlives the worker), and puts
// a finished layer dir into the image store under its diff id.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageStore, LayerRecord } from '../image/store.js';
import { isRoot } from '../paths.js';
import { writeFileAtomic } from '../storage/atomic.js';
import { currentUserIdMap } from '../runtime/idmap.js';
import { nodeEntryArgv } from '../runtime/node-entry.js';
import { spawnStage0, waitExit } from '../runtime/start/stage0.js';
import { removeTree } from '../runtime/userns-run.js';
import { BuildError } from './errors.js';
import type { LayerJob, LayerReply } from './layer-worker.js';

export interface LayerResult { diffId: string; size: number; empty: boolean }

export async function runLayerJob(job: LayerJob): Promise<LayerResult> {
  const rootless = !isRoot();
  const s0 = await spawnStage0({
    namespaces: rootless ? ['user', 'mount'] : ['mount'],
    argv: nodeEntryArgv(import.meta.url, './layer-worker.js'),
    ...(rootless ? { idMap: currentUserIdMap() } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MYCTR_WORKER_USERNS: rootless ? '1' : '0' },
    keepSync: false,
  });
  s0.sync.destroy();
  const { child } = s0;
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  child.stdin?.end(JSON.stringify(job));
  const { code, signal } = await waitExit(child);
  let reply: LayerReply | undefined;
  try { reply = JSON.parse(stdout.trim().split('\n').pop() ?? '') as LayerReply; } catch { /* reported below */ }
  if (reply?.type === 'layer-error') throw new BuildError(reply.message);
  if (code !== 0 || reply?.type !== 'layer-done') {
    const tail = stderr.trim().split('\n').slice(-3).join(' / ');
    throw new BuildError(`layer worker failed (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}`);
  }
  return { diffId: reply.diffId, size: reply.size, empty: reply.empty };
}

/**
 * Moves a finished layer tmp dir (`diff/` inside) to its place in the store, as ImageStore.commitImage does
 * for pending layers; an identical layer already there wins and the tmp dir is removed.
 */
export async function placeLayer(store: ImageStore, tmpDir: string, layer: LayerResult): Promise<void> {
  const final = store.layerPath(layer.diffId);
  if (!existsSync(final)) {
    // The blob is the uncompressed tar the diff id was computed over (written by the worker).
    const rec: LayerRecord = { diffId: layer.diffId, size: layer.size, created: new Date().toISOString(), blob: { digest: layer.diffId, size: layer.size, compression: 'none' } };
    writeFileAtomic(join(tmpDir, 'layer.json'), `${JSON.stringify(rec)}\n`);
    try {
      renameSync(tmpDir, final);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  }
  await removeTree(tmpDir);
}
