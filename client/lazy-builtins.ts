// Node built-in modules loaded on first use, for the start path of `myctr run` (the CLI and the container
// init), which should not pay for what only its rarer branches need:
// - node:child_process pulls in node:net and the streams, ~8 ms of the init's start; the init needs it only
//   in its fallbacks (fuse-overlayfs, the copy driver);
// - node:crypto is ~3 ms and 47 modules; `run` reads image configs but hashes none (ids and temp names come
//   from client/random.ts);
// - node:net and the streams are ~7 ms of the CLI's start, which a plain `run` needs only once the init has
//   its config (start/fifo-channel.ts).
// Built-in modules live in the node binary, so loading one late reads no file (STYLE §0.9 is about files).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

export function nodeCrypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}

export function nodeNet(): typeof import('node:net') {
  return require('node:net') as typeof import('node:net');
}

export function nodeTty(): typeof import('node:tty') {
  return require('node:tty') as typeof import('node:tty');
}

export function nodeDgram(): typeof import('node:dgram') {
  return require('node:dgram') as typeof import('node:dgram');
}
