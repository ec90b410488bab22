// Image verbs over the store: tag, rmi (refusing images that containers use unless forced), prune, system df.
// Reference counting: a layer is kept while an image lists it; an image while a name or a container uses it.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MyctrPaths } from '../paths.js';
import { ContainerStore } from '../runtime/container-store.js';
import { ConflictError, MyctrError, NotFoundError } from '../runtime/errors.js';
import { lockHolder } from './lock.js';
import { deleteImages, removeNames, setName } from './store-gc.js';
import { livePins } from './pins.js';
import { localName } from './reference.js';
import type { ImageRecord, ImageStore } from './store.js';

/** Image id → ids of the containers created from it. */
export function containersByImage(paths: MyctrPaths): Map<string, string[]> {
  const cs = new ContainerStore(paths);
  const m = new Map<string, string[]>();
  for (const id of cs.ids()) {
    let imageId: string | undefined;
    try { imageId = cs.loadConfig(id).image.id; } catch { continue; }
    m.set(imageId, [...(m.get(imageId) ?? []), id]);
  }
  return m;
}

export async function tagImage(store: ImageStore, source: string, target: string): Promise<string> {
  const img = store.resolve(source);
  const name = localName(target);
  await setName(store, name, img.id);
  return name;
}

export interface RmiResult { untagged: string[]; deleted: string[]; layers: number }

/**
 * `rmi REF…`: a name of an image with other names only loses that name (Docker); otherwise the image goes, and
 * with it every layer nothing else uses. An image a container uses is refused unless `force`.
 */
export async function removeImages(store: ImageStore, paths: MyctrPaths, refs: readonly string[], force: boolean): Promise<RmiResult> {
  const res: RmiResult = { untagged: [], deleted: [], layers: 0 };
  const toDelete: ImageRecord[] = [];
  const refOf = new Map<string, string>();
  for (const ref of refs) {
    const img = store.resolve(ref);
    const byName = img.names.find((n) => n === ref || n === safeLocal(ref) || n.endsWith(`/${ref}`) || n.endsWith(`/${ref}:latest`));
    if (byName && img.names.length > 1 && !force) {
      res.untagged.push(...(await removeNames(store, [byName])));
      continue;
    }
    if (!toDelete.some((i) => i.id === img.id)) toDelete.push(img);
    refOf.set(img.id, ref);
  }
  if (toDelete.length) {
    // Checked under the store lock (deleteImages), so a container being created from the image either pinned
    // it before (refused here) or resolves it after (not found there): never a container without its layers.
    const d = await deleteImages(store, toDelete.map((i) => i.id), (ids) => {
      const users = containersByImage(paths);
      const pins = livePins(store);
      for (const id of ids) {
        const ref = refOf.get(id) ?? id.slice(0, 12);
        const pids = pins.get(id) ?? [];
        if (pids.length) {
          throw new ConflictError(`image \`${ref}\` is in use by a \`myctr run\`/\`create\` (process ${pids.join(', ')})`,
            'try again when it has finished');
        }
        const ctrs = users.get(id) ?? [];
        if (ctrs.length && !force) {
          throw new ConflictError(`image \`${ref}\` is used by ${ctrs.length} container${ctrs.length === 1 ? '' : 's'} (${ctrs.map((c) => c.slice(0, 12)).join(', ')})`,
            'remove the containers first (`myctr rm`), or use `myctr rmi -f`');
        }
      }
      return ids;
    });
    res.untagged.push(...toDelete.flatMap((i) => i.names));
    res.deleted.push(...d.images);
    res.layers = d.layers.length;
  }
  return res;
}

function safeLocal(ref: string): string | undefined {
  try { return localName(ref); } catch { return undefined; }
}

/** `image prune`: untagged images (`-a`: every image) no container uses, and abandoned partial downloads. */
export async function pruneImages(store: ImageStore, paths: MyctrPaths, all: boolean): Promise<{ deleted: string[]; bytes: number }> {
  const victims = store.list().filter((i) => all || i.names.length === 0).map((i) => i.id);
  const d = await deleteImages(store, victims, (ids) => {
    const users = containersByImage(paths);
    const pins = livePins(store);
    return ids.filter((id) => !users.has(id) && !pins.has(id));
  });
  return { deleted: d.images, bytes: d.bytes + prunePartialDownloads(store) };
}

/** Removes partial blob downloads no pull is working on (their lock is free); returns the bytes freed. */
function prunePartialDownloads(store: ImageStore): number {
  const dir = join(store.dir, 'downloads');
  let names: string[];
  try { names = readdirSync(dir); } catch { return 0; }
  let bytes = 0;
  for (const f of names) {
    if (!f.endsWith('.partial')) continue;
    const lock = join(dir, `${f.slice(0, -'.partial'.length)}.lock`);
    if (lockHolder(lock) !== undefined) continue;
    try { bytes += statSync(join(dir, f)).size; } catch { continue; }
    rmSync(join(dir, f), { force: true });
    rmSync(lock, { force: true });
  }
  return bytes;
}

export interface DiskUsage { images: { total: number; active: number; size: number; reclaimable: number }; layers: { count: number; size: number } }

/** `system df` for images: sizes are unique layer bytes, so shared layers count once. */
export function diskUsage(store: ImageStore, paths: MyctrPaths): DiskUsage {
  const users = containersByImage(paths);
  const images = store.list();
  const layerSize = (d: string) => store.layer(d)?.size ?? 0;
  const all = new Set(store.layerHexes().map((h) => `sha256:${h}`));
  const active = new Set(images.filter((i) => users.has(i.id)).flatMap((i) => i.layers));
  const sum = (s: Iterable<string>) => [...s].reduce((a, d) => a + layerSize(d), 0);
  const size = sum(all);
  return {
    images: { total: images.length, active: images.filter((i) => users.has(i.id)).length, size, reclaimable: size - sum(active) },
    layers: { count: all.size, size },
  };
}

/** `image history`: newest first, as Docker prints it; empty layers have no size. */
export function imageHistory(store: ImageStore, img: ImageRecord): { created: string; createdBy: string; size: number; layer?: string }[] {
  let li = 0;
  const rows = img.history.map((h) => {
    if (h.empty_layer) return { created: h.created, createdBy: h.created_by, size: 0 };
    const d = img.layers[li++];
    return { created: h.created, createdBy: h.created_by, size: d ? store.layer(d)?.size ?? 0 : 0, ...(d ? { layer: d } : {}) };
  });
  if (li !== img.layers.length && img.history.length === 0) {
    return img.layers.map((d) => ({ created: img.created, createdBy: '', size: store.layer(d)?.size ?? 0, layer: d })).reverse();
  }
  return rows.reverse();
}

export function requireImage(store: ImageStore, ref: string): ImageRecord {
  try { return store.resolve(ref); } catch (err) {
    if (err instanceof MyctrError) throw err;
    throw new NotFoundError(`image \`${ref}\` not found`);
  }
}
