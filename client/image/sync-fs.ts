// syncfs(2) through coreutils `sync --file-system`: one call writes back every dirty page of the filesystem
// that holds a path, far cheaper than an fsync per file after whole trees (unpacked layers) were written.
// A child process rather than koffi: the store is loaded by every command, and koffi's load would cost
// them all; the store calls it once per commit, and the event loop goes on meanwhile (other downloads).
import { MyctrError } from '../runtime/errors.js';
import { childProcess } from '../lazy-builtins.js';

export function syncFilesystem(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new MyctrError('MYCTR_INTERNAL', `sync --file-system ${path}: ${why}`));
    const child = childProcess().spawn('sync', ['--file-system', '--', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', (err) => fail(err.message));
    child.on('close', (code, signal) => (code === 0 ? resolve() : fail(stderr.trim() || `exit ${String(code ?? signal)}`)));
  });
}
