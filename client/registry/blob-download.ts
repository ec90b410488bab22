// Resume-safe blob download: bytes go to `<store>/downloads/<hex>.partial`; after an interruption the next pull
// hashes what is there and continues with `Range: bytes=<n>-`. The digest is checked before the blob is used;
// a mismatch deletes the partial file. A per-blob lock keeps two pulls from appending to the same file.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { log } from '../log.js';
import { acquireLock } from '../image/lock.js';
import { expectOk, RegistryError, type RegistryClient } from './client.js';

export interface DownloadedBlob { path: string; release(): void }

export async function downloadBlob(client: RegistryClient, dir: string, digest: string, size: number | undefined,
  onBytes: (done: number) => void): Promise<DownloadedBlob> {
  const hex = digest.slice('sha256:'.length);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${hex}.partial`);
  const lock = await acquireLock(join(dir, `${hex}.lock`), { timeoutMs: 30 * 60_000 });
  try {
    const hash = createHash('sha256');
    let have = 0;
    try { have = statSync(path).size; } catch { /* new download */ }
    if (size !== undefined && have > size) { rmSync(path); have = 0; }
    if (have > 0) for await (const c of createReadStream(path)) hash.update(c as Buffer);
    onBytes(have);
    if (size === undefined || have < size) {
      const res = await client.request('GET', `/blobs/${digest}`, { headers: have > 0 ? { range: `bytes=${have}-` } : {} });
      await expectOk(res, `get blob \`${digest}\``, client.opts.registry);
      if (have > 0 && res.status === 206) {
        log.debug({ digest, offset: have }, 'resuming blob download');
      } else if (have > 0) {
        // The registry ignored Range: start over.
        await res.body?.cancel();
        rmSync(path, { force: true });
        return await restart(client, dir, digest, size, onBytes, lock);
      }
      const expected = size ?? (Number(res.headers.get('content-length')) + have || undefined);
      let got = have;
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
      const out = createWriteStream(path, { flags: 'a', mode: 0o600 });
      let interrupted: unknown;
      try {
        for await (const chunk of body) {
          const c = chunk as Buffer;
          hash.update(c);
          got += c.length;
          onBytes(got);
          if (!out.write(c)) await once(out, 'drain');
        }
      } catch (err) {
        interrupted = err;
      }
      // What arrived is flushed to the partial file before anything is reported, so the next pull resumes there.
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      if (interrupted !== undefined) {
        throw new RegistryError(`${client.opts.registry}: download of \`${digest}\` interrupted after ${got} bytes: ${(interrupted as Error).message}`,
          undefined, 'run the pull again: it continues where this one stopped');
      }
      if (expected !== undefined && got < expected) {
        throw new RegistryError(`${client.opts.registry}: truncated download of \`${digest}\` (${got} of ${expected} bytes)`,
          undefined, 'run the pull again: it continues where this one stopped');
      }
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) {
      rmSync(path, { force: true });
      throw new RegistryError(`${client.opts.registry}: blob \`${digest}\` hashes to \`${actual}\` (digest mismatch)`, undefined,
        'the registry or something between served corrupt data; nothing was stored');
    }
    return { path, release: () => lock.release() };
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function restart(client: RegistryClient, dir: string, digest: string, size: number | undefined,
  onBytes: (n: number) => void, lock: { release(): void }): Promise<DownloadedBlob> {
  lock.release();
  return downloadBlob(client, dir, digest, size, onBytes);
}
