// The build cache: step key → the layer it produced (or none), under `<root>/build-cache/`. A key chains the
// previous layer step's key with everything the step's result depends on (instruction after substitution,
// used build args, env/user/workdir/shell for RUN, content hashes of copied files). A hit is only trusted
// when the store still has the layer.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageStore } from '../image/store.js';
import { writeJsonAtomic } from '../storage/atomic.js';

export interface CacheRecord {
  /** The layer, or null when the step changed nothing. */
  diffId: string | null;
  created: string;
}

/** Bump when the meaning of keys or records changes: old entries simply stop matching. */
const VERSION = 'v1';

export function chainKey(parent: string, parts: readonly unknown[]): string {
  return createHash('sha256').update(`${VERSION}\n${parent}\n${JSON.stringify(parts)}`).digest('hex');
}

export class BuildCache {
  private readonly dir: string;
  constructor(root: string, private readonly store: ImageStore) {
    this.dir = join(root, 'build-cache', VERSION);
  }

  get(key: string): CacheRecord | undefined {
    let rec: CacheRecord;
    try { rec = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as CacheRecord; } catch { return undefined; }
    if (rec.diffId !== null && !this.store.layer(rec.diffId)) return undefined;
    return rec;
  }

  put(key: string, diffId: string | null): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeJsonAtomic(join(this.dir, `${key}.json`), { diffId, created: new Date().toISOString() } satisfies CacheRecord, 0o600);
  }

  /** Host directory for a `RUN --mount=type=cache` (persists across builds). */
  mountDir(id: string): string {
    const d = join(this.dir, '..', 'mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
    mkdirSync(d, { recursive: true, mode: 0o755 });
    return d;
  }
}
