// client/network/dns.ts: the resolver view per mode, the stub-resolver rule and host.containers.internal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsView, nameserversOf, searchOf, stubUpstreams, type DnsInput } from '../../../../client/network/dns.js';

const base: DnsInput = {
  mode: 'slirp4netns', allowHostLoopback: false, dnsSearch: [], hostResolv: 'search corp.example\nnameserver 192.0.2.53\n',
  upstreamResolv: undefined, hostAddress: '192.0.2.2', hostGateway: '192.0.2.1', pasta: { dnsForward: true, mapGuestAddr: false },
};

test('parsing resolv.conf', () => {
  assert.deepEqual(nameserversOf('nameserver 1.1.1.1\n# nameserver 2.2.2.2\n  nameserver ::1\n'), ['1.1.1.1', '::1']);
  assert.deepEqual(searchOf('domain a.example\nsearch b.example c.example\n'), ['b.example', 'c.example']);
});

test('stub detection: only when every host nameserver is loopback and upstreams exist', () => {
  assert.deepEqual(stubUpstreams('nameserver 127.0.0.53\n', 'nameserver 9.9.9.9\nnameserver 127.0.0.1\n'), ['9.9.9.9']);
  assert.equal(stubUpstreams('nameserver 127.0.0.53\nnameserver 1.1.1.1\n', 'nameserver 9.9.9.9\n'), undefined);
  assert.equal(stubUpstreams('nameserver 127.0.0.53\n', undefined), undefined);
});

test('slirp4netns: the forwarder, the host search list; host.containers.internal per loopback permission', () => {
  assert.deepEqual(dnsView(base), { nameservers: ['10.0.2.3'], search: ['corp.example'], hostGateway: '192.0.2.2' });
  assert.equal(dnsView({ ...base, allowHostLoopback: true }).hostGateway, '10.0.2.2');
  assert.equal(dnsView({ ...base, hostAddress: undefined }).hostGateway, '10.0.2.2');
  assert.deepEqual(dnsView({ ...base, dnsSearch: ['x.test'] }).search, ['x.test']);
});

test('behind a 127.0.0.53 stub the real upstreams are used instead of a forwarder', () => {
  const stub = { hostResolv: 'nameserver 127.0.0.53\n', upstreamResolv: 'nameserver 203.0.113.1\nnameserver 203.0.113.2\n' };
  assert.deepEqual(dnsView({ ...base, ...stub }).nameservers, ['203.0.113.1', '203.0.113.2']);
  const p = dnsView({ ...base, ...stub, mode: 'pasta' });
  assert.deepEqual(p.nameservers, ['203.0.113.1', '203.0.113.2']);
  assert.equal(p.dnsForward, undefined);
});

test('pasta: its DNS forwarder address, the gateway or the guest alias for the host', () => {
  assert.deepEqual(dnsView({ ...base, mode: 'pasta' }), { nameservers: ['169.254.1.1'], search: ['corp.example'], hostGateway: '192.0.2.1', dnsForward: '169.254.1.1' });
  assert.equal(dnsView({ ...base, mode: 'pasta', pasta: { dnsForward: true, mapGuestAddr: true } }).hostGateway, '169.254.1.2');
  assert.equal(dnsView({ ...base, mode: 'pasta', allowHostLoopback: true, pasta: { dnsForward: true, mapGuestAddr: true } }).hostGateway, '192.0.2.1');
  assert.deepEqual(dnsView({ ...base, mode: 'pasta', pasta: { dnsForward: false, mapGuestAddr: false } }).nameservers, ['192.0.2.53']);
});

test('none and host: no nameservers of their own', () => {
  assert.deepEqual(dnsView({ ...base, mode: 'none' }), { nameservers: [], search: ['corp.example'] });
  assert.equal(dnsView({ ...base, mode: 'host' }).hostGateway, '127.0.0.1');
});
