// node:child_process for the container init, loaded on first use: it pulls in node:net and the streams, ~8 ms
// of every start, and the init needs it only in its fallbacks (fuse-overlayfs, the copy driver). Node's
// built-in modules live in the node binary, so loading one late reads no file (STYLE §0.9 is about files).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}
