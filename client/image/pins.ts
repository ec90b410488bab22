// Image pins: `storage/pins/<image id>.<pid>` says "process <pid> is setting up a container from this image".
// `pinImage` resolves the reference and writes the pin under the store lock, so an `rmi` either ran before
// (the image is gone: a clean not-found error) or sees the pin and refuses. The pin lives until the process
// exits; by then the container's config (which keeps the image in use) exists. A pin whose process is gone is
// ignored and swept by the next rmi/prune.
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLockSync } from './lock.js';
import type { ImageRecord, ImageStore } from './store.js';
import { isProcessAlive } from './tmp-names.js';

const PIN = /^([0-9a-f]{64})\.(\d+)$/;

function pinsDir(store: ImageStore): string {
  return join(store.dir, 'pins');
}

/** Resolves `ref` and pins the image for this process, atomically with respect to rmi/prune. */
export function pinImage(store: ImageStore, ref: string): ImageRecord {
  const lock = acquireLockSync(join(store.dir, '.lock'));
  let pin: string;
  let img: ImageRecord;
  try {
    img = store.resolve(ref);
    mkdirSync(pinsDir(store), { recursive: true, mode: 0o700 });
    pin = join(pinsDir(store), `${img.id}.${process.pid}`);
    writeFileSync(pin, '', { mode: 0o600 });
  } finally {
    lock.release();
  }
  process.once('exit', () => { try { unlinkSync(pin); } catch { /* swept already */ } });
  return img;
}

/** Image id → pids of live processes pinning it; removes pins of dead processes. Call under the lock. */
export function livePins(store: ImageStore): Map<string, number[]> {
  const m = new Map<string, number[]>();
  let names: string[] = [];
  try { names = readdirSync(pinsDir(store)); } catch { return m; }
  for (const f of names) {
    const x = PIN.exec(f);
    if (!x) continue;
    const pid = Number(x[2]);
    if (pid !== process.pid && !isProcessAlive(pid)) {
      try { unlinkSync(join(pinsDir(store), f)); } catch { /* raced */ }
      continue;
    }
    m.set(x[1]!, [...(m.get(x[1]!) ?? []), pid]);
  }
  return m;
}
