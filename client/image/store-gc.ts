// Names and deletion in the image store: moving a name, removing names, and deleting images together with every
// layer no remaining image lists. All under the store lock; layers are renamed to tmp names before removal.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeTree } from '../runtime/userns-run.js';
import { fsyncDir } from './atomic.js';
import type { ImageStore } from './store.js';

/** Points `name` (canonical) at image `id`, moving it off any other image. */
export async function setName(store: ImageStore, name: string, id: string): Promise<void> {
  await store.withLock(() => {
    const repos = store.repositories();
    repos[name] = id;
    store.writeRepositories(repos);
  });
}

/** Removes names (canonical); returns those that existed. */
export async function removeNames(store: ImageStore, names: readonly string[]): Promise<string[]> {
  return store.withLock(() => {
    const repos = store.repositories();
    const gone = names.filter((n) => n in repos);
    for (const n of gone) delete repos[n];
    if (gone.length) store.writeRepositories(repos);
    return gone;
  });
}

/**
 * Deletes image records (and their names), then every layer no remaining image references. `select` (under the
 * lock) narrows the ids or throws, e.g. for images that containers or pins use. The records go
 * first, so a crash in between leaves only unreferenced layers, which the next prune frees.
 */
export async function deleteImages(store: ImageStore, requested: readonly string[], select: (ids: readonly string[]) => readonly string[] = (x) => x):
Promise<{ images: string[]; layers: string[]; bytes: number }> {
  const doomed: string[] = [];
  let bytes = 0;
  let ids: readonly string[] = [];
  await store.withLock(() => {
    // `select` runs under the lock: what uses an image (containers, pins) is decided atomically with the deletion.
    ids = select(requested);
    const repos = store.repositories();
    let changed = false;
    for (const [n, id] of Object.entries(repos)) if (ids.includes(id)) { delete repos[n]; changed = true; }
    if (changed) store.writeRepositories(repos);
    for (const id of ids) {
      for (const f of [store.recordPath(id), join(store.imagesDir, `${id}.config.json`)]) rmSync(f, { force: true });
    }
    fsyncDir(store.imagesDir);
    const used = new Set(store.list().flatMap((i) => i.layers));
    for (const hex of store.layerHexes()) {
      const diffId = `sha256:${hex}`;
      if (used.has(diffId)) continue;
      bytes += store.layer(diffId)?.size ?? 0;
      // Renamed to a tmp name under the lock: readers never see a half-deleted layer under its real name.
      const tmp = store.createLayerTmp();
      renameSync(store.layerPath(diffId), join(tmp, 'layer'));
      doomed.push(tmp);
    }
  });
  for (const d of doomed) await removeTree(d);
  return { images: [...ids], layers: doomed, bytes };
}
