// client/network/{slirp4netns,pasta}.ts: the exact helper command lines (flags decide isolation).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slirpArgv } from '../../../../client/network/slirp4netns.js';
import { pastaArgv, pastaPortArgs } from '../../../../client/network/pasta.js';
import type { NetworkSettings } from '../../../../client/network/types.js';

const net: NetworkSettings = {
  allowHostLoopback: false, pastaArgs: [], nameservers: [], search: [], dnsForward: '169.254.1.1',
  ports: [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' }],
};
const old = { mapGuestAddr: false, mapHostLoopback: false, noMapGw: true, dnsForward: true };

test('slirp4netns: sandboxed, seccomp, no host loopback unless allowed, user namespace joined when rootless', () => {
  assert.deepEqual(slirpArgv({ nsPid: 42, userns: true, allowHostLoopback: false, apiSocket: '/r/s.sock' }), [
    '--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp', '--exit-fd=3', '--ready-fd=4',
    '--api-socket=/r/s.sock', '--userns-path=/proc/42/ns/user', '42', 'tap0']);
  const allowed = slirpArgv({ nsPid: 42, userns: false, allowHostLoopback: true, apiSocket: '/r/s.sock' });
  assert.ok(!allowed.includes('--disable-host-loopback'));
  assert.ok(!allowed.some((a) => a.startsWith('--userns-path')));
});

test('pasta: port specs, none when a protocol has no ports', () => {
  assert.deepEqual(pastaPortArgs(net.ports), ['-t', '8080:80', '-u', '127.0.0.1/5353:53']);
  assert.deepEqual(pastaPortArgs([]), ['-t', 'none', '-u', 'none']);
});

test('pasta: no ns→host forwarding, gateway mapping off unless allowed, pid file and namespaces last', () => {
  const argv = pastaArgv({ nsPid: 7, userns: true, net, pidFile: '/r/p', features: old });
  assert.deepEqual(argv, ['--config-net', '--quiet', '--foreground', '-t', '8080:80', '-u', '127.0.0.1/5353:53', '-T', 'none', '-U', 'none',
    '--no-map-gw', '--dns-forward', '169.254.1.1', '-P', '/r/p', '--netns', '/proc/7/ns/net', '--userns', '/proc/7/ns/user']);
  assert.ok(!pastaArgv({ nsPid: 7, userns: true, net: { ...net, allowHostLoopback: true }, pidFile: '/r/p', features: old }).includes('--no-map-gw'));
  const modern = pastaArgv({ nsPid: 7, userns: false, net, pidFile: '/r/p', features: { ...old, mapGuestAddr: true } });
  assert.deepEqual(modern.slice(modern.indexOf('--map-guest-addr'), modern.indexOf('--map-guest-addr') + 2), ['--map-guest-addr', '169.254.1.2']);
  assert.ok(!modern.includes('--userns'));
});
