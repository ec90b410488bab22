// client/runtime/etc-files.ts: the container's /etc/hostname, /etc/hosts and /etc/resolv.conf contents.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostnameFile, hostsFile, readHostFile, resolvConfFile } from '../../../../client/runtime/etc-files.js';
import type { ContainerSpec, NetworkMode } from '../../../../client/runtime/spec.js';

function spec(o: { network?: NetworkMode; dns?: string[]; addHosts?: { name: string; ip: string }[] } = {}): ContainerSpec {
  return {
    id: 'f'.repeat(64), name: 'n', created: '', image: { ref: 'r', id: 'i' },
    process: { args: ['sh'], env: [], cwd: '/', user: '', terminal: false, stdin: false, noNewPrivileges: false, capabilities: [], groupAdd: [] },
    hostname: 'box', mounts: [], network: o.network ?? 'none', readOnly: false, privileged: false, autoRemove: false,
    dns: o.dns ?? [], addHosts: o.addHosts ?? [],
  };
}

const HOST_HOSTS = '127.0.0.1 localhost\n192.168.1.10 nas\n';
const HOST_RESOLV = '# generated\nnameserver 127.0.0.53\nnameserver 192.168.1.1\nnameserver ::1\nnameserver 2001:db8::1\noptions edns0\nsearch lan\n';

test('hostnameFile is the hostname and a newline', () => {
  assert.equal(hostnameFile(spec()), 'box\n');
});

test('hosts with a private network: loopback names and the container hostname only', () => {
  assert.equal(hostsFile(spec(), HOST_HOSTS),
    '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tbox\n');
});

test('hosts with --network host: the host\'s file, not the private one', () => {
  assert.equal(hostsFile(spec({ network: 'host' }), HOST_HOSTS), HOST_HOSTS);
  assert.equal(hostsFile(spec({ network: 'host' }), ''), '');
});

test('--add-host lines are appended in order, after a newline if the host file lacks one', () => {
  const addHosts = [{ name: 'db', ip: '10.0.0.2' }, { name: 'v6', ip: 'fd00::1' }];
  assert.equal(hostsFile(spec({ addHosts }), ''),
    '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tbox\n10.0.0.2\tdb\nfd00::1\tv6\n');
  assert.equal(hostsFile(spec({ network: 'host', addHosts }), '127.0.0.1 localhost'),
    '127.0.0.1 localhost\n10.0.0.2\tdb\nfd00::1\tv6\n');
  assert.equal(hostsFile(spec({ network: 'host', addHosts }), HOST_HOSTS), `${HOST_HOSTS}10.0.0.2\tdb\nfd00::1\tv6\n`);
});

test('resolv.conf: --dns replaces the host\'s file', () => {
  assert.equal(resolvConfFile(spec({ dns: ['1.1.1.1', '2606:4700::1111'] }), HOST_RESOLV),
    'nameserver 1.1.1.1\nnameserver 2606:4700::1111\n');
  assert.equal(resolvConfFile(spec({ network: 'host', dns: ['9.9.9.9'] }), HOST_RESOLV), 'nameserver 9.9.9.9\n');
});

test('resolv.conf with --network host is the host\'s, loopback resolvers included', () => {
  assert.equal(resolvConfFile(spec({ network: 'host' }), HOST_RESOLV), HOST_RESOLV);
});

test('resolv.conf with a private network drops loopback nameservers and keeps the rest', () => {
  assert.equal(resolvConfFile(spec(), HOST_RESOLV),
    '# generated\nnameserver 192.168.1.1\nnameserver 2001:db8::1\noptions edns0\nsearch lan\n');
  assert.equal(resolvConfFile(spec(), '  nameserver\t127.0.0.1\nnameserver 10.1.27.1\n'), 'nameserver 10.1.27.1\n');
  // ::1 only as a whole address: ::10 is not loopback.
  assert.equal(resolvConfFile(spec(), 'nameserver ::10\n'), 'nameserver ::10\n');
});

test('readHostFile returns the text, or "" for a missing file', () => {
  const d = mkdtempSync(join(tmpdir(), 'myctr-etc-'));
  try {
    writeFileSync(join(d, 'hosts'), 'x\n');
    assert.equal(readHostFile(join(d, 'hosts')), 'x\n');
    assert.equal(readHostFile(join(d, 'missing')), '');
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('user-mode networks: the network\'s nameservers and search list; host.containers.internal and host-gateway', () => {
  const net = { allowHostLoopback: false, pastaArgs: [], ports: [], nameservers: ['10.0.2.3'], search: ['corp.example'], hostGateway: '192.0.2.2' };
  const s = { ...spec({ network: 'slirp4netns', addHosts: [{ name: 'gw', ip: 'host-gateway' }] }), net };
  assert.equal(resolvConfFile(s, HOST_RESOLV), 'search corp.example\nnameserver 10.0.2.3\n');
  assert.equal(resolvConfFile({ ...s, dns: ['9.9.9.9'] }, HOST_RESOLV), 'search corp.example\nnameserver 9.9.9.9\n');
  const hosts = hostsFile(s, HOST_HOSTS);
  assert.match(hosts, /^192\.0\.2\.2\tgw$/m);
  assert.match(hosts, /^192\.0\.2\.2\thost\.containers\.internal host\.docker\.internal$/m);
  assert.doesNotMatch(hostsFile(spec({ network: 'none' }), HOST_HOSTS), /host\.containers\.internal/);
});
