// syncfs(2) through coreutils `sync --file-system`: one call writes back every dirty page of the filesystem
// that holds a path, far cheaper than an fsync per file after a whole tree (an unpacked layer) was written.
// A child process rather than koffi: the store is loaded by every command, and koffi's load would cost
// them all; a layer placement is rare and the spawn is ~2 ms.
import { spawnSync } from 'node:child_process';
import { MyctrError } from '../runtime/errors.js';

export function syncFilesystem(path: string): void {
  const r = spawnSync('sync', ['--file-system', '--', path], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr.trim() || `exit ${String(r.status ?? r.signal)}`);
    throw new MyctrError('MYCTR_INTERNAL', `sync --file-system ${path}: ${why}`);
  }
}
