// client/network/port-forwarder: under slirp4netns, TCP ports published on a host loopback address go through
// the splice forwarder in the container's network namespace. Real containers, root and rootless: the data
// arrives whole with the half-close passing through, the server inside sees the client's real address (any of
// 127/8), a server on the interface address only is reached too, a taken port fails before anything starts,
// and stopping frees the port and leaves no process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { probes, requireFeature } from '../../support/probes.js';
import { spawnCli } from '../../support/spawn-cli.js';
import { sendAndRead } from '../../support/tcp.js';
import { assertNoLeaks, snapshot } from '../../support/leaks.js';
import { setupRunFixture, type RunFixture } from '../runtime/run-helpers.js';
import { canBind, freePort, nodeInContainer, waitFor, waitForLine } from './net-helpers.js';

/** On 8000 (every address) and on 8001 (the interface address 10.0.2.100 only): reads to the end, answers
 *  `<peer> <bytes> <sha256>` and closes; prints `ready` once both listen. */
const DIGEST_SERVER = `
const net = require('net'), crypto = require('crypto');
let up = 0;
const serve = () => net.createServer({ allowHalfOpen: true }, (s) => {
  const h = crypto.createHash('sha256'); let n = 0;
  s.on('data', (d) => { h.update(d); n += d.length; });
  s.on('end', () => s.end(s.remoteAddress.replace(/^::ffff:/, '') + ' ' + n + ' ' + h.digest('hex') + '\\n'));
});
const listening = () => { if (++up === 2) console.log('ready'); };
serve().listen(8000, listening);
serve().listen(8001, '10.0.2.100', listening);
process.on('SIGTERM', () => process.exit(0));
`;

const send = sendAndRead;

let fx: RunFixture;

describe('port forwarder (slirp4netns, loopback host address)', () => {
  before(async () => { fx = await setupRunFixture(); });
  after(async () => { await fx?.env.cleanup(); });

  test('data both ways, the real client address, a taken port refused, nothing left after stop', async (t) => {
    if (!requireFeature(t, probes.userns) || !requireFeature(t, probes.devNetTun) || !requireFeature(t, probes.slirp4netns)) return;
    const leakOpts = { mountPrefix: fx.env.root, marker: fx.env.runRoot };
    const before = await snapshot(leakOpts);
    const [port, ifacePort] = [await freePort(), await freePort()];
    const child = spawnCli(['run', '--rm', '--name', 'fwd', '--network', 'slirp4netns', '-p', `127.0.0.1:${port}:8000`,
      '-p', `127.0.0.1:${ifacePort}:8001`, ...nodeInContainer(DIGEST_SERVER)], { env: fx.env.env });
    const exited = once(child, 'exit');
    try {
      await waitForLine(child, 'ready');
      const big = randomBytes(16 << 20);
      const digest = (d: Buffer) => `${d.length} ${createHash('sha256').update(d).digest('hex')}`;
      assert.equal((await waitFor('the forwarded port', () => send(port, big))).trim(), `127.0.0.1 ${digest(big)}`);
      const small = Array.from({ length: 8 }, (_, i) => randomBytes(1000 * i));
      assert.deepEqual((await Promise.all(small.map((d) => send(port, d)))).map((a) => a.trim()), small.map((d) => `127.0.0.1 ${digest(d)}`));
      // The server inside sees the client's own loopback address, whichever of 127/8 it is.
      assert.equal((await send(port, Buffer.from('x'), '127.0.0.5')).trim(), `127.0.0.5 ${digest(Buffer.from('x'))}`);
      // A server on the interface address only is reached there.
      assert.equal((await send(ifacePort, small[3]!)).trim(), `10.0.2.100 ${digest(small[3]!)}`);
      const ports = await fx.cli(['port', 'fwd']);
      assert.deepEqual(ports.stdout.trim().split('\n').sort(), [`8000/tcp -> 127.0.0.1:${port}`, `8001/tcp -> 127.0.0.1:${ifacePort}`]);
      // The forwarder holds the port: a second container cannot have it, and leaves no record.
      const ids = fx.containerIds().length;
      const second = await fx.run(['--rm', '--network', 'slirp4netns', '-p', `127.0.0.1:${port}:8000`, 'busybox', 'true']);
      assert.equal(second.code, 125);
      assert.match(second.stderr, new RegExp(`host port 127\\.0\\.0\\.1:${port}/tcp is already in use`));
      assert.equal(fx.containerIds().length, ids);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(child.exitCode, 0);
    assert.ok(await canBind(port, 'tcp', '127.0.0.1'), 'the port is still taken after the container stopped');
    await assertNoLeaks(before, leakOpts);
  });

  test('a port taken before the run: a clear error, exit 125, nothing left behind', async (t) => {
    if (!requireFeature(t, probes.userns) || !requireFeature(t, probes.devNetTun) || !requireFeature(t, probes.slirp4netns)) return;
    const leakOpts = { mountPrefix: fx.env.root, marker: fx.env.runRoot };
    const before = await snapshot(leakOpts);
    const squatter = createServer();
    squatter.listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const port = (squatter.address() as { port: number }).port;
    try {
      const r = await fx.run(['--rm', '--network', 'slirp4netns', '-p', `127.0.0.1:${port}:80`, 'busybox', 'true']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, new RegExp(`^myctr: .*127\\.0\\.0\\.1:${port}/tcp is already in use`, 'm'));
      assert.match(r.stderr, /^hint: /m);
    } finally {
      squatter.close();
    }
    assert.deepEqual(fx.containerIds(), []);
    await assertNoLeaks(before, leakOpts);
  });
});
