// Outbound TCP from a container to a server that the test runs in a network namespace of its own: the
// namespace is joined to the host by a veth pair with a private /30, so the container's traffic leaves
// through slirp4netns's NAT (its sockets live in the host's namespace) and crosses that veth, never a real
// network. Creating a namespace and a veth needs root on the host, and the rootless run has no root to ask,
// so this runs in the root run only (the rootless run covers outbound TCP to the host's own address in
// network.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { onlyAs, probes, requireFeature, type Probe } from '../../support/probes.js';
import { assertNoLeaks, snapshot } from '../../support/leaks.js';
import { setupRunFixture, type RunFixture } from '../runtime/run-helpers.js';

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr?.trim() || r.error?.message}`);
}

/** A 10.250.N.0/30 that no host interface uses. */
function freeSubnet(): number {
  const used = new Set(Object.values(networkInterfaces()).flat().map((a) => a?.address ?? ''));
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 250);
    if (![...used].some((a) => a.startsWith(`10.250.${n}.`))) return n;
  }
}

const ipProbe = (): Probe => (spawnSync('ip', ['-V']).status === 0 ? { ok: true } : { ok: false, reason: 'ip (iproute2) is not installed' });

describe('outbound to a test network namespace', () => {
  let fx: RunFixture;
  before(async () => { fx = await setupRunFixture(); });
  after(async () => { await fx?.env.cleanup(); });

  test('slirp4netns: a TCP server in its own netns answers, and sees the host-side veth address (NAT)', async (t) => {
    if (!onlyAs(t, 'root') || !requireFeature(t, probes.userns) || !requireFeature(t, probes.devNetTun)
      || !requireFeature(t, probes.slirp4netns) || !requireFeature(t, ipProbe())) return;
    const tag = `${process.pid % 100000}`;
    const ns = `myctr-t${tag}`;
    const [hostIf, nsIf] = [`mth${tag}`, `mtn${tag}`];
    const n = freeSubnet();
    const [hostIp, serverIp] = [`10.250.${n}.1`, `10.250.${n}.2`];
    ip('netns', 'add', ns);
    t.after(() => { spawnSync('ip', ['netns', 'del', ns]); spawnSync('ip', ['link', 'del', hostIf]); });
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${serverIp}/30`, 'dev', nsIf);
    ip('-n', ns, 'link', 'set', nsIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');

    // The server answers with the peer address it saw and says `ready` once it listens (no timing).
    const script = `require('http').createServer((q, s) => s.end(q.socket.remoteAddress + '\\n'))` +
      `.listen(8080, '${serverIp}', () => console.log('ready'));`;
    const server = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(server, 'exit');
    t.after(async () => { if (server.exitCode === null && server.signalCode === null) { server.kill('SIGKILL'); await exited; } });
    let out = '';
    server.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (s: string) => { out += s; if (out.includes('ready\n')) resolve(); });
      server.once('exit', (code) => reject(new Error(`the netns server exited (${code}) before listening`)));
    });

    const leakOpts = { mountPrefix: fx.env.root, marker: fx.env.runRoot };
    const before = await snapshot(leakOpts);
    // Not PID 1 (a PID 1 ignores timeout's SIGTERM); wget -T crashes in Debian's static busybox.
    const r = await fx.run(['--rm', '--network', 'slirp4netns', 'busybox', 'sh', '-c', `timeout 10 wget -qO- http://${serverIp}:8080/; exit $?`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${hostIp}\n`, 'the server sees the host end of the veth: slirp4netns connects from the host');
    // --network none has no route there.
    const none = await fx.run(['--rm', '--network', 'none', 'busybox', 'sh', '-c', `timeout 5 wget -qO- http://${serverIp}:8080/; exit $?`]);
    assert.notEqual(none.code, 0, 'reached the netns server without a network');
    await assertNoLeaks(before, leakOpts);
  });
});
