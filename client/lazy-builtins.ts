// Node built-in modules loaded on first use, for the start path of `myctr run` (the CLI and the container
// init), which should not pay for what only its rarer branches need:
// - node:child_process pulls in node:net and the streams, ~8 ms of the init's start; the init needs it only
//   in its fallbacks (fuse-overlayfs, the copy driver);
// - node:crypto is ~3 ms and 47 modules; `run` reads image configs but hashes none (ids and temp names come
//   from client/random.ts).
// Built-in modules live in the node binary, so loading one late reads no file (STYLE §0.9 is about files).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

export function nodeCrypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}
