// Layer extraction worker: reads an uncompressed tar on stdin and unpacks it into argv[2] (created here), run as
// root of the user namespace (rootless), so owners are kept. Prints one JSON line on stdout. The work itself is
// LayerUnpacker (unpack-core.ts); real root runs that in-process instead.
import { writeSync } from 'node:fs';
import { LayerUnpacker, unpackErrorOf } from './unpack-core.js';
import type { UnpackResult } from './unpack-result.js';

process.title = 'myctr:[unpack]';

function reply(msg: UnpackResult, code: number): never {
  writeSync(1, `${JSON.stringify(msg)}\n`);
  process.exit(code);
}

function fail(err: unknown): never {
  reply(unpackErrorOf(err), 2);
}

const dest = process.argv[2];
if (!dest) fail(new Error('usage: unpack-worker <dest-dir> [user|trusted] [chardev|xattr]'));
process.umask(0);
let unpacker: LayerUnpacker;
try {
  unpacker = new LayerUnpacker(dest, process.argv[3] === 'trusted' ? 'trusted' : 'user', process.argv[4] === 'xattr' ? 'xattr' : 'chardev');
} catch (err) {
  fail(err);
}
process.stdin.on('data', (chunk: Buffer) => {
  try { unpacker.write(chunk); } catch (err) { fail(err); }
});
process.stdin.on('error', fail);
process.stdin.on('end', () => {
  unpacker.finish().then((r) => reply(r, 0), fail);
});
