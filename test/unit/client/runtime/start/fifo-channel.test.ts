// fifo-channel.ts: the CLI's ends of the `myctr` command's FIFOs, read on libuv's thread pool and written
// with write(2), without node:net. Real FIFOs in a temporary directory; a read-write fd stands in for the
// init's end where one is needed to keep a FIFO open.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, readlinkSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FifoChannel, FifoReader } from '../../../../../client/runtime/start/fifo-channel.js';

const dir = mkdtempSync(join(tmpdir(), 'myctr-fifo-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A new FIFO: our blocking end (`mode`) and the peer's end, opened the other way. */
function fifo(mode: 'r' | 'w'): { ours: number; peer: number } {
  const path = join(dir, String(++n));
  assert.equal(spawnSync('mkfifo', [path]).status, 0);
  const keeper = openSync(path, constants.O_RDWR); // so that neither one-way open blocks
  const ours = openSync(path, mode === 'r' ? constants.O_RDONLY : constants.O_WRONLY);
  const peer = openSync(path, mode === 'r' ? constants.O_WRONLY : constants.O_RDONLY);
  closeSync(keeper);
  return { ours, peer };
}

function events(r: FifoReader | FifoChannel): Promise<{ data: Buffer[]; end: boolean; error: boolean }> {
  const seen = { data: [] as Buffer[], end: false, error: false };
  r.on('data', (b: Buffer) => seen.data.push(b));
  r.on('end', () => { seen.end = true; });
  r.on('error', () => { seen.error = true; });
  return new Promise((resolve) => r.on('close', () => resolve(seen)));
}

test('a reader yields the bytes of each read as a Buffer of its own, then end and close at EOF', async () => {
  const f = fifo('r');
  const r = new FifoReader(f.ours);
  const seen = events(r);
  r.start();
  r.start(); // once
  // "é" split between two writes: two chunks, which join up to the bytes written.
  const bytes = Buffer.from('ready é\n');
  writeSync(f.peer, bytes.subarray(0, 7));
  await new Promise((res) => setTimeout(res, 20));
  writeSync(f.peer, bytes.subarray(7));
  closeSync(f.peer);
  const s = await seen;
  assert.equal(s.data.length, 2, 'one chunk per read');
  assert.deepEqual(s.data[0], bytes.subarray(0, 7), 'the first chunk kept its bytes through the second read (the read buffer is reused)');
  assert.equal(Buffer.concat(s.data).toString(), 'ready é\n');
  assert.deepEqual([s.end, s.error], [true, false]);
});

test('the channel writes at once, reads only from its first write on, and passes EOF on', async () => {
  const toInit = fifo('w');
  const fromInit = fifo('r');
  let started = 0;
  const ch = new FifoChannel(fromInit.ours, toInit.ours, () => { started++; });
  const seen = events(ch);
  assert.equal(started, 0);
  assert.equal(ch.write('{"type":"config"}\n'), true);
  assert.equal(started, 1);
  const buf = Buffer.alloc(64);
  assert.equal(buf.subarray(0, readSync(toInit.peer, buf)).toString(), '{"type":"config"}\n');
  writeSync(fromInit.peer, '{"type":"ready"}\n');
  closeSync(fromInit.peer); // the init's execve: EOF
  const s = await seen;
  assert.equal(Buffer.concat(s.data).toString(), '{"type":"ready"}\n');
  assert.equal(s.end, true);
  ch.destroy();
  assert.equal(ch.write('late'), false);
  closeSync(toInit.peer);
});

test('a write to a FIFO nobody reads is an error event, not a throw', async () => {
  const toInit = fifo('w');
  const fromInit = fifo('r');
  closeSync(toInit.peer); // the init is gone: EPIPE (Node ignores SIGPIPE)
  const ch = new FifoChannel(fromInit.ours, toInit.ours);
  const err = new Promise((resolve) => ch.once('error', resolve));
  assert.equal(ch.write('x'), false);
  assert.equal((await err as NodeJS.ErrnoException).code, 'EPIPE');
  ch.destroy();
  closeSync(fromInit.peer);
});

test('destroy with a read pending closes the fd only when the read returns', async () => {
  const f = fifo('r');
  const r = new FifoReader(f.ours);
  const closed = new Promise((resolve) => r.on('close', resolve));
  r.start();
  await new Promise((res) => setTimeout(res, 20));
  r.destroy();
  await closed;
  // The fd is still ours while the read waits: a new open does not get its number.
  const other = openSync('/dev/null', 'r');
  assert.notEqual(other, f.ours);
  closeSync(other);
  const ourFifo = readlinkSync(`/proc/self/fd/${f.ours}`);
  closeSync(f.peer); // EOF: the pending read returns, and the reader closes its fd
  await new Promise((res) => setTimeout(res, 50));
  let now = '';
  try { now = readlinkSync(`/proc/self/fd/${f.ours}`); } catch { /* closed */ }
  assert.notEqual(now, ourFifo);
});
