// Layer extraction worker, run as root of the user namespace (rootless), so owners are kept. Two modes:
// - `unpack-worker <dest-dir> [user|trusted] [chardev|xattr]`: reads one uncompressed tar on stdin, unpacks it
//   into dest (created here) and prints one JSON line (import);
// - `unpack-worker --serve [user|trusted] [chardev|xattr]`: one worker for a whole pull or load. Each stdin line
//   `{id, job}` names a blob file and a dest (unpack-file.ts); each reply is one line `{id, result}`. Jobs run
//   concurrently; the worker exits when stdin ends and every job has answered.
// The work itself is LayerUnpacker (unpack-core.ts); real root runs it in-process instead.
import { writeSync } from 'node:fs';
import { LayerUnpacker, unpackErrorOf } from './unpack-core.js';
import { unpackFile, type UnpackFileJob } from './unpack-file.js';
import type { UnpackResult } from './unpack-result.js';

process.title = 'myctr:[unpack]';

function reply(msg: UnpackResult, code: number): never {
  writeSync(1, `${JSON.stringify(msg)}\n`);
  process.exit(code);
}

function fail(err: unknown): never {
  reply(unpackErrorOf(err), 2);
}

function serve(prefix: 'user' | 'trusted', format: 'chardev' | 'xattr'): void {
  let buf = '';
  let running = 0;
  let ended = false;
  const maybeExit = () => { if (ended && running === 0) process.exit(0); };
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (s: string) => {
    buf += s;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const { id, job } = JSON.parse(buf.slice(0, nl)) as { id: number; job: UnpackFileJob };
      buf = buf.slice(nl + 1);
      running++;
      void unpackFile(job, prefix, format).then((result) => {
        writeSync(1, `${JSON.stringify({ id, result })}\n`);
        running--;
        maybeExit();
      });
    }
  });
  process.stdin.on('end', () => { ended = true; maybeExit(); });
}

process.umask(0);
const dest = process.argv[2];
const prefix = process.argv[3] === 'trusted' ? 'trusted' : 'user';
const format = process.argv[4] === 'xattr' ? 'xattr' : 'chardev';
if (dest === '--serve') {
  serve(prefix, format);
} else {
  if (!dest) fail(new Error('usage: unpack-worker <dest-dir>|--serve [user|trusted] [chardev|xattr]'));
  let unpacker: LayerUnpacker;
  try {
    unpacker = new LayerUnpacker(dest, prefix, format);
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
}
