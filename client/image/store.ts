// The image store under `<root>/storage/`: content-addressed layers (unpacked trees), image records and the
// name index. Readers take no lock; every mutation runs under `storage/.lock`. Layout: docs/STORAGE.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { MyctrPaths } from '../paths.js';
import { MyctrError, NotFoundError, UsageError } from '../runtime/errors.js';
import { removeTree } from '../runtime/userns-run.js';
import { fsyncDir, writeFileAtomic } from './atomic.js';
import { syncFilesystem } from './sync-fs.js';
import type { Compression } from './decompress.js';
import { buildOciConfig, encodeOciConfig, sha256Hex, type HistoryEntry, type ImageConfig } from './config.js';
import { parseImageConfig } from './config-parse.js';
import { acquireLock } from './lock.js';
import { candidateNames, parseReference } from './reference.js';
import { isStaleTmpName, newTmpName } from './tmp-names.js';

export type { ImageConfig } from './config.js';

export interface ImageRecord {
  /** sha256 of the config JSON, 64 hex. */
  id: string;
  /** Canonical references (`localhost/busybox:latest`); from repositories.json, which is authoritative. */
  names: string[];
  created: string;
  architecture: string;
  os: string;
  config: ImageConfig;
  /** Layer diff ids `sha256:…`, bottom first. */
  layers: string[];
  /** Sum of the layers' uncompressed tar sizes. */
  size: number;
  history: { created: string; created_by: string; empty_layer?: boolean }[];
}

/** The layer blob as received (compressed or not), kept as `layers/<hex>/blob` so save/push keep its digest. */
export interface BlobInfo { digest: string; size: number; compression: Compression }

export interface LayerRecord { diffId: string; size: number; created: string; blob?: BlobInfo }

/** A layer unpacked into a tmp dir by import, not yet in the store. */
export interface PendingLayer { tmpDir: string; diffId: string; size: number; blob?: BlobInfo }

export interface CommitImageOptions {
  /** Layers bottom first: a PendingLayer is moved into place (or dropped if the store has it already). */
  layers: readonly (PendingLayer | { diffId: string })[];
  config: ImageConfig;
  history: readonly HistoryEntry[];
  created: string;
  /** Canonical names to point at the image (moved off any image that had them). */
  names: readonly string[];
  architecture?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const RECORD_FILE = /^([0-9a-f]{64})\.json$/;
const NOT_FOUND_HINT = '`myctr images` lists images; `myctr bootstrap busybox` creates the default one';

export class ImageStore {
  readonly dir: string;
  readonly layersDir: string;
  readonly imagesDir: string;
  private readonly reposPath: string;
  private readonly lockPath: string;

  private constructor(readonly paths: MyctrPaths) {
    this.dir = join(paths.root, 'storage');
    this.layersDir = join(this.dir, 'layers');
    this.imagesDir = join(this.dir, 'images');
    this.reposPath = join(this.dir, 'repositories.json');
    this.lockPath = join(this.dir, '.lock');
  }

  /** Opens (creating the directories of) the store under `paths.root`. */
  static open(paths: MyctrPaths): ImageStore {
    const s = new ImageStore(paths);
    mkdirSync(paths.root, { recursive: true, mode: 0o700 });
    for (const d of [s.dir, s.layersDir, s.imagesDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
    return s;
  }

  /** name → image id (hex), from repositories.json. */
  repositories(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.reposPath, 'utf8')) as Record<string, string>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new MyctrError('MYCTR_IMAGE', `read \`${this.reposPath}\`: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Replaces repositories.json (sorted); call under the lock. */
  writeRepositories(repos: Record<string, string>): void {
    writeFileAtomic(this.reposPath, `${JSON.stringify(sortedObject(repos), null, 2)}\n`);
  }

  /** All images, newest first. */
  list(): ImageRecord[] {
    const names = this.namesById();
    const out: ImageRecord[] = [];
    for (const f of readdirSync(this.imagesDir)) {
      const m = RECORD_FILE.exec(f);
      if (m) out.push(this.readRecord(m[1]!, names));
    }
    return out.sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
  }

  /** The image with this id (64 hex), or undefined. */
  get(id: string): ImageRecord | undefined {
    if (!HEX64.test(id) || !existsSync(this.recordPath(id))) return undefined;
    return this.readRecord(id, this.namesById());
  }

  /** By name (short names try `localhost/` then Docker Hub), full id (`sha256:` optional) or unique id prefix ≥ 4. */
  resolve(ref: string): ImageRecord {
    const idLike = /^(?:sha256:)?([0-9a-f]{4,64})$/.exec(ref);
    if (idLike?.[1]?.length === 64) {
      const img = this.get(idLike[1]);
      if (img) return img;
    }
    let parsed: ReturnType<typeof parseReference> | undefined;
    try { parsed = parseReference(ref); } catch (err) { if (!idLike) throw err; }
    if (parsed) {
      const repos = this.repositories();
      for (const n of candidateNames(parsed)) {
        const id = repos[n];
        if (id !== undefined) {
          const img = this.get(id);
          if (img) return img;
        }
      }
      if (parsed.digest !== undefined && parsed.tag === undefined) {
        const img = this.get(parsed.digest.slice('sha256:'.length));
        if (img) return img;
      }
    }
    if (idLike) {
      const prefix = idLike[1]!;
      const ids = this.ids().filter((id) => id.startsWith(prefix));
      if (ids.length === 1) return this.get(ids[0]!)!;
      if (ids.length > 1) {
        throw new UsageError(`image id prefix \`${prefix}\` is ambiguous (${ids.length} images)`, 'give more characters of the id');
      }
    }
    throw new NotFoundError(`image \`${ref}\` not found`, NOT_FOUND_HINT);
  }

  /** Absolute `diff` dirs of the image's layers, bottom first. */
  layerDirs(img: ImageRecord): string[] {
    return img.layers.map((d) => join(this.layerPath(d), 'diff'));
  }

  layerPath(diffId: string): string {
    return join(this.layersDir, diffHex(diffId));
  }

  /** The layer's record, or undefined when the store does not have it. */
  layer(diffId: string): LayerRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.layerPath(diffId), 'layer.json'), 'utf8')) as LayerRecord;
    } catch {
      return undefined;
    }
  }

  /** Creates `layers/.tmp-<pid>-<random>/` for an import to unpack into (as `diff/`). */
  createLayerTmp(): string {
    const dir = join(this.layersDir, newTmpName());
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  }

  /** Removes tmp dirs left by crashed imports (their pid is gone). Returns how many. */
  async sweepTmp(): Promise<number> {
    let n = 0;
    for (const f of readdirSync(this.layersDir)) {
      if (!isStaleTmpName(f)) continue;
      await removeTree(join(this.layersDir, f));
      n++;
    }
    return n;
  }

  /**
   * Moves pending layers into place and writes the config, the record and the names, under the lock. Layers the
   * store already has are deduplicated (the pending copy is removed). Returns the image.
   */
  async commitImage(opts: CommitImageOptions): Promise<ImageRecord> {
    const cfg = buildOciConfig({
      created: opts.created, config: opts.config, diffIds: opts.layers.map((l) => l.diffId), history: opts.history,
      ...(opts.architecture !== undefined ? { architecture: opts.architecture } : {}),
    });
    return this.commitConfig({ layers: opts.layers, configJson: encodeOciConfig(cfg).json, names: opts.names });
  }

  /**
   * Like commitImage, for a config given as bytes (pulled or loaded): stored verbatim, the id is their sha256.
   * The config's rootfs.diff_ids must list exactly `layers`.
   */
  async commitConfig(opts: { layers: readonly (PendingLayer | { diffId: string })[]; configJson: string; names: readonly string[] }): Promise<ImageRecord> {
    const cfg = parseImageConfig(opts.configJson);
    const diffIds = opts.layers.map((l) => l.diffId);
    if (JSON.stringify(cfg.rootfs.diff_ids) !== JSON.stringify(diffIds)) {
      throw new MyctrError('MYCTR_IMAGE', 'image config: rootfs.diff_ids do not match the layers', { hint: 'the archive or manifest is inconsistent; nothing was imported' });
    }
    const id = sha256Hex(opts.configJson);
    const created = new Date().toISOString();
    const duplicates: string[] = [];
    if (opts.layers.some((l) => 'tmpDir' in l)) await syncFilesystem(this.layersDir);
    const lock = await acquireLock(this.lockPath);
    try {
      let size = 0;
      for (const l of opts.layers) {
        if ('tmpDir' in l && !this.placeLayer(l, created)) duplicates.push(l.tmpDir);
        const rec = this.layer(l.diffId);
        if (!rec) throw new MyctrError('MYCTR_IMAGE', `layer \`${l.diffId}\` is not in the store`);
        size += rec.size;
      }
      writeFileAtomic(join(this.imagesDir, `${id}.config.json`), opts.configJson);
      const stored: Omit<ImageRecord, 'names'> = {
        id, created: cfg.created ?? created, architecture: cfg.architecture, os: cfg.os, config: cfg.config ?? {},
        layers: diffIds, size, history: (cfg.history ?? []).map((h) => ({ created: h.created ?? '', created_by: h.created_by ?? '', ...(h.empty_layer ? { empty_layer: true } : {}) })),
      };
      writeFileAtomic(this.recordPath(id), `${JSON.stringify(stored, null, 2)}\n`);
      const repos = this.repositories();
      for (const n of opts.names) repos[n] = id;
      this.writeRepositories(repos);
    } finally {
      lock.release();
    }
    for (const d of duplicates) await removeTree(d);
    return this.get(id)!;
  }

  /** The stored config bytes of an image (what its id hashes). */
  configJson(id: string): string {
    return readFileSync(join(this.imagesDir, `${diffHex(`sha256:${id}`)}.config.json`), 'utf8');
  }

  /** Path of a layer's kept blob, or undefined when the store has none for it. */
  blobPath(diffId: string): string | undefined {
    const p = join(this.layerPath(diffId), 'blob');
    return this.layer(diffId)?.blob && existsSync(p) ? p : undefined;
  }

  /** Hex names of the layers in the store (final names only). */
  layerHexes(): string[] {
    return readdirSync(this.layersDir).filter((f) => HEX64.test(f));
  }

  /**
   * Puts one finished layer (its `diff/` unpacked in `l.tmpDir`, from createLayerTmp) into the store under its diff
   * id, under the lock. An identical layer already there wins and the tmp dir is removed. True when it was placed.
   */
  async addLayer(l: PendingLayer): Promise<boolean> {
    await syncFilesystem(this.layersDir);
    const placed = await this.withLock(() => this.placeLayer(l, new Date().toISOString()));
    if (!placed) await removeTree(l.tmpDir);
    return placed;
  }

  /** Runs `fn` holding the store's mutation lock. */
  async withLock<T>(fn: () => T): Promise<T> {
    const lock = await acquireLock(this.lockPath);
    try { return fn(); } finally { lock.release(); }
  }

  /**
   * Renames a pending layer to its final name; false when the store already had it. Callers run one
   * syncfs first (syncFilesystem, outside the lock): the layer's file data reaches the disk before the
   * rename publishes it, so after a power loss a layer is either absent (its tmp dir is swept) or whole.
   */
  private placeLayer(l: PendingLayer, created: string): boolean {
    const final = this.layerPath(l.diffId);
    if (existsSync(final)) return false;
    const rec: LayerRecord = { diffId: l.diffId, size: l.size, created, ...(l.blob ? { blob: l.blob } : {}) };
    writeFileAtomic(join(l.tmpDir, 'layer.json'), `${JSON.stringify(rec)}\n`);
    try {
      renameSync(l.tmpDir, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw err;
    }
    fsyncDir(this.layersDir);
    return true;
  }

  private ids(): string[] {
    return readdirSync(this.imagesDir).flatMap((f) => RECORD_FILE.exec(f)?.[1] ?? []);
  }

  recordPath(id: string): string {
    return join(this.imagesDir, `${id}.json`);
  }

  private namesById(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const [name, id] of Object.entries(this.repositories())) m.set(id, [...(m.get(id) ?? []), name]);
    return m;
  }

  private readRecord(id: string, names: Map<string, string[]>): ImageRecord {
    const p = this.recordPath(id);
    let rec: Omit<ImageRecord, 'names'>;
    try {
      rec = JSON.parse(readFileSync(p, 'utf8')) as Omit<ImageRecord, 'names'>;
    } catch (err) {
      throw new MyctrError('MYCTR_IMAGE', `read \`${p}\`: ${(err as Error).message}`, { cause: err });
    }
    return { ...rec, id, names: (names.get(id) ?? []).sort() };
  }
}

/** `sha256:<hex>` → `<hex>`; refuses anything else (the hex becomes a path component). */
export function diffHex(diffId: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(diffId);
  if (!m) throw new MyctrError('MYCTR_IMAGE', `invalid layer digest \`${diffId}\``);
  return m[1]!;
}

function sortedObject(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
