// client/runtime/supervisor/daemon/stdin-server.ts: the attach socket's header, stdin forwarding, StdinOnce
// (closeStdin), half-closed clients still getting a terminal's output, and close().
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { attachSocketPath } from '../../../../../../client/runtime/supervisor/daemon/paths.js';
import { serveStdin } from '../../../../../../client/runtime/supervisor/daemon/stdin-server.js';

const dir = mkdtempSync(join(tmpdir(), 'myctr-stdin-'));
const servers: { close(): void }[] = [];
// A failed assertion must not leave a listening server behind (the test process would never end).
after(() => { for (const s of servers) s.close(); rmSync(dir, { recursive: true, force: true }); });

function client(header: object): Promise<{ sock: Socket; received: () => string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(attachSocketPath(dir));
    let text = '';
    sock.on('data', (d: Buffer) => { text += d.toString(); });
    sock.once('error', reject);
    sock.once('connect', () => { sock.write(`${JSON.stringify(header)}\n`); resolve({ sock, received: () => text }); });
  });
}

const until = async (check: () => boolean): Promise<void> => { while (!check()) await new Promise((r) => setTimeout(r, 10)); };

test('stdin: bytes after the header reach the container; closeStdin makes our EOF its EOF', async () => {
  const input = new PassThrough();
  let got = '';
  let ended = false;
  input.on('data', (d: Buffer) => { got += d.toString(); });
  input.on('end', () => { ended = true; });
  const server = serveStdin(dir, input, { terminal: false });
  servers.push(server);
  const keep = await client({});
  keep.sock.write('a\n');
  await until(() => got === 'a\n' && keep.received() === 'ok\n');
  keep.sock.end();
  const once = await client({ closeStdin: true });
  once.sock.end('b\n');
  await until(() => ended);
  assert.equal(got, 'a\nb\n', 'the first client\'s EOF did not close it; the second one\'s did');
  server.close();
  assert.ok(!existsSync(attachSocketPath(dir)));
});

test('a terminal: output goes to clients that asked for it, also after they half-closed; close() ends them', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const server = serveStdin(dir, input, { terminal: true, output });
  servers.push(server);
  const c = await client({ output: true, closeStdin: true });
  await until(() => c.received() === 'ok\n');
  c.sock.end('ls\n');
  output.write('prompt # ');
  await until(() => c.received() === 'ok\nprompt # ');
  assert.equal(input.writableEnded, false, 'EOF of a terminal client is not the end of the terminal');
  const closed = new Promise((r) => c.sock.once('close', r));
  server.close();
  await closed;
});
