// client/network/port-forwarder/relay.ts: pairs of real loopback TCP connections relayed with splice(2):
// every byte arrives in order both ways, half-closes pass through, many pairs at once, and a reset ends a pair.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Server, connect, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SpliceRelay } from '../../../../../client/network/port-forwarder/relay.js';
import { sendAndRead } from '../../../../support/tcp.js';

let relay: SpliceRelay;
let proxy: Server;
let upstream: Server;

/** The upstream: reads everything, then (after the client's half-close) answers `<bytes> <sha256>` and closes. */
function digestServer(): Server {
  return new Server({ allowHalfOpen: true }, (s) => {
    const h = createHash('sha256');
    let n = 0;
    s.on('data', (d: Buffer) => { h.update(d); n += d.length; });
    s.on('end', () => s.end(`${n} ${h.digest('hex')}\n`));
    s.on('error', () => undefined);
  });
}

async function listening(s: Server): Promise<number> {
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return (s.address() as AddressInfo).port;
}

before(async () => {
  relay = new SpliceRelay();
  upstream = digestServer();
  const up = await listening(upstream);
  proxy = new Server({ pauseOnConnect: true }, (client) => {
    const u = connect({ host: '127.0.0.1', port: up });
    u.pause();
    u.once('connect', () => relay.add(client, u));
  });
  await listening(proxy);
});
after(() => { proxy.close(); upstream.close(); });

/** Sends `data` through the relay, half-closes, and returns the upstream's answer. */
const roundTrip = (data: Buffer): Promise<string> => sendAndRead((proxy.address() as AddressInfo).port, data);

const expect = (data: Buffer) => `${data.length} ${createHash('sha256').update(data).digest('hex')}\n`;

test('a large transfer arrives whole, and the answer after the half-close comes back', async () => {
  const data = randomBytes(24 << 20);
  assert.equal(await roundTrip(data), expect(data));
});

test('twenty pairs at once, and each pair is gone once both sides closed', async () => {
  const inputs = Array.from({ length: 20 }, (_, i) => randomBytes(64 * 1024 * (i + 1)));
  const answers = await Promise.all(inputs.map((d) => roundTrip(d)));
  answers.forEach((a, i) => assert.equal(a, expect(inputs[i]!)));
  for (let i = 0; relay.size > 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(relay.size, 0);
});

test('an empty connection: the half-close alone passes through', async () => {
  assert.equal(await roundTrip(Buffer.alloc(0)), expect(Buffer.alloc(0)));
});

test('a client that resets ends its pair', async () => {
  const s = connect({ host: '127.0.0.1', port: (proxy.address() as AddressInfo).port });
  await once(s, 'connect');
  s.write(randomBytes(1 << 20));
  for (let i = 0; relay.size === 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(relay.size, 1);
  s.resetAndDestroy();
  for (let i = 0; relay.size > 0 && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(relay.size, 0);
});
