// client/cli/run-options.ts: `myctr run` flag parsing into RunOptions (volumes, tmpfs, env, hosts, network,
// security options, names).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  parseAddHost, parseEnvArg, parseEnvFile, parseNetwork, parseSecurityOpts, parseTmpfs, parseVolume, toRunOptions,
} from '../../../../client/cli/run-options.js';
import { NotFoundError, UsageError } from '../../../../client/runtime/errors.js';
import type { MountSpec, TmpfsMount, VolumeMount } from '../../../../client/runtime/setup/plan.js';

const MS_RDONLY = 0x1;
const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
const MS_NOEXEC = 0x8;

const dir = mkdtempSync(join(tmpdir(), 'myctr-run-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'data'));
writeFileSync(join(dir, 'file.conf'), 'x');

function asBind(m: MountSpec): VolumeMount {
  assert.equal(m.type, 'bind');
  return m as VolumeMount;
}

function asTmpfs(m: MountSpec): TmpfsMount {
  assert.equal(m.type, 'tmpfs');
  return m as TmpfsMount;
}

/** Asserts `fn` throws an instance of `cls` whose message matches `msg` and that carries a hint. */
function throwsWith(fn: () => unknown, cls: typeof UsageError | typeof NotFoundError, msg: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.match(err.message, msg);
    assert.ok(err.hint && err.hint.length > 0, 'has a hint');
    return true;
  });
}

test('parseVolume: directory bind, rw by default, destination normalized', () => {
  assert.deepEqual(parseVolume(`${dir}/data:/srv//data/`), {
    type: 'bind', source: join(dir, 'data'), destination: '/srv/data/', readonly: false, file: false,
  });
  assert.equal(parseVolume(`${dir}/data:/srv/../x`).destination, '/x');
});

test('parseVolume: ro and rw options; file sources are marked as files', () => {
  assert.equal(asBind(parseVolume(`${dir}/data:/d:ro`)).readonly, true);
  assert.equal(asBind(parseVolume(`${dir}/data:/d:rw`)).readonly, false);
  assert.equal(asBind(parseVolume(`${dir}/data:/d:z,ro`)).readonly, true);
  const f = asBind(parseVolume(`${dir}/file.conf:/etc/app.conf:ro`));
  assert.equal(f.file, true);
  assert.equal(f.readonly, true);
});

test('parseVolume resolves a ./relative host path against cwd', () => {
  assert.equal(asBind(parseVolume('./data:/d', dir)).source, join(dir, 'data'));
});

test('parseVolume refuses malformed specs, named volumes, relative container paths and unknown options', () => {
  throwsWith(() => parseVolume('/only'), UsageError, /invalid volume `\/only`/);
  throwsWith(() => parseVolume(':/d'), UsageError, /invalid volume/);
  throwsWith(() => parseVolume(`${dir}:`), UsageError, /invalid volume/);
  throwsWith(() => parseVolume(`${dir}:/a:ro:extra`), UsageError, /invalid volume/);
  throwsWith(() => parseVolume('mydata:/data'), UsageError, /named volumes are not supported/);
  throwsWith(() => parseVolume(`${dir}:data`), UsageError, /`data` is not an absolute container path/);
  throwsWith(() => parseVolume(`${dir}:/d:rx`), UsageError, /unknown option `rx`/);
});

test('parseVolume: a missing host path is a NotFoundError whose hint creates it', () => {
  const missing = join(dir, 'nope');
  assert.throws(() => parseVolume(`${missing}:/d`), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.code, 'MYCTR_NOT_FOUND');
    assert.equal(err.message, `volume source \`${missing}\` does not exist`);
    assert.equal(err.hint, `create it first: mkdir -p ${missing}`);
    return true;
  });
});

test('parseTmpfs: defaults rw,noexec,nosuid,nodev and mode=1777', () => {
  assert.deepEqual(parseTmpfs('/run'), { type: 'tmpfs', destination: '/run', options: 'mode=1777', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
  assert.deepEqual(parseTmpfs('/run/'), { type: 'tmpfs', destination: '/run/', options: 'mode=1777', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
});

test('parseTmpfs: size and mode go to the data, flag words change the flags', () => {
  assert.deepEqual(parseTmpfs('/tmp:size=64m,mode=0700'), {
    type: 'tmpfs', destination: '/tmp', options: 'size=64m,mode=0700', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC,
  });
  const t = asTmpfs(parseTmpfs('/x:exec,ro,size=50%,uid=1000'));
  assert.equal(t.flags, MS_RDONLY | MS_NOSUID | MS_NODEV);
  assert.equal(t.options, 'size=50%,uid=1000,mode=1777');
  assert.equal(asTmpfs(parseTmpfs('/x:suid,dev,notmpcopyup')).options, 'mode=1777');
  assert.equal(asTmpfs(parseTmpfs('/x:suid,dev')).flags, MS_NOEXEC);
});

test('parseTmpfs refuses relative paths and unknown options', () => {
  throwsWith(() => parseTmpfs('run'), UsageError, /invalid tmpfs `run`/);
  throwsWith(() => parseTmpfs('/x:bogus'), UsageError, /invalid tmpfs option `bogus` in `\/x:bogus`/);
  throwsWith(() => parseTmpfs('/x:size=1m;rm -rf'), UsageError, /invalid tmpfs option/);
  throwsWith(() => parseTmpfs('/x:lowerdir=/etc'), UsageError, /invalid tmpfs option `lowerdir=\/etc`/);
});

test('parseEnvArg: KEY=value as is, KEY alone takes the host value or is dropped', () => {
  const host = { HOME: '/home/u', EMPTY: '' };
  assert.deepEqual(parseEnvArg('A=b=c', host), ['A=b=c']);
  assert.deepEqual(parseEnvArg('A=', host), ['A=']);
  assert.deepEqual(parseEnvArg('HOME', host), ['HOME=/home/u']);
  assert.deepEqual(parseEnvArg('EMPTY', host), ['EMPTY=']);
  assert.deepEqual(parseEnvArg('UNSET', host), []);
  throwsWith(() => parseEnvArg('=v', host), UsageError, /invalid environment variable `=v` \(-e\)/);
  throwsWith(() => parseEnvArg('A B=1', host), UsageError, /invalid environment variable/);
});

test('parseEnvFile: comments, blanks, CRLF, KEY alone, and line numbers in errors', () => {
  const text = '# comment\r\nA=1\r\n\r\n  B=two words \r\n   # indented\nHOME\nUNSET\nC=x\n';
  assert.deepEqual(parseEnvFile(text, 'f.env', { HOME: '/root' }), ['A=1', 'B=two words ', 'HOME=/root', 'C=x']);
  throwsWith(() => parseEnvFile('A=1\n\n=bad\n', 'f.env', {}), UsageError, /\(f\.env:3\)/);
});

test('parseAddHost: name:ip for IPv4, IPv6 and host-gateway', () => {
  assert.deepEqual(parseAddHost('db:10.0.0.2'), { name: 'db', ip: '10.0.0.2' });
  assert.deepEqual(parseAddHost('v6.local:::1'), { name: 'v6.local', ip: '::1' });
  assert.deepEqual(parseAddHost('gw:host-gateway'), { name: 'gw', ip: 'host-gateway' });
  for (const bad of ['db', ':1.2.3.4', 'db:', 'db:999.1.1.1', 'd b:1.2.3.4', 'db:example.com']) {
    throwsWith(() => parseAddHost(bad), UsageError, /invalid --add-host/);
  }
});

test('parseNetwork: the default mode when absent, the named modes and their options, clear errors for the rest', () => {
  assert.deepEqual(parseNetwork(undefined, () => 'slirp4netns'), { mode: 'slirp4netns', allowHostLoopback: false, pastaArgs: [] });
  assert.equal(parseNetwork(undefined, () => 'pasta').mode, 'pasta');
  assert.equal(parseNetwork('none').mode, 'none');
  assert.equal(parseNetwork('host').mode, 'host');
  assert.deepEqual(parseNetwork('slirp4netns:allow_host_loopback=true,port_handler=slirp4netns'),
    { mode: 'slirp4netns', allowHostLoopback: true, pastaArgs: [] });
  assert.deepEqual(parseNetwork('pasta:--map-gw,-4'), { mode: 'pasta', allowHostLoopback: true, pastaArgs: ['-4'] });
  throwsWith(() => parseNetwork('bridge'), UsageError, /needs the root helper/);
  throwsWith(() => parseNetwork('slirp4netns:mtu=9'), UsageError, /unsupported slirp4netns option `mtu=9`/);
  throwsWith(() => parseNetwork('pasta:--netns=/x'), UsageError, /unsupported pasta option `--netns=\/x`/);
  throwsWith(() => parseNetwork('container:abc'), UsageError, /unknown network mode `container:abc`/);
});

test('parseSecurityOpts: no-new-privileges forms; others refused', () => {
  assert.deepEqual(parseSecurityOpts([]), { noNewPrivileges: false });
  assert.deepEqual(parseSecurityOpts(['no-new-privileges']), { noNewPrivileges: true });
  assert.deepEqual(parseSecurityOpts(['no-new-privileges:true']), { noNewPrivileges: true });
  assert.deepEqual(parseSecurityOpts(['no-new-privileges=false']), { noNewPrivileges: false });
  assert.deepEqual(parseSecurityOpts(['no-new-privileges', 'no-new-privileges=false']), { noNewPrivileges: false });
  throwsWith(() => parseSecurityOpts(['seccomp=unconfined']), UsageError, /unsupported --security-opt `seccomp=unconfined`/);
  throwsWith(() => parseSecurityOpts(['no-new-privileges=yes']), UsageError, /unsupported/);
});

test('toRunOptions: defaults for an empty flag set', () => {
  assert.deepEqual(toRunOptions({ network: 'none' }, ['sh'], {}), {
    args: ['sh'], env: [], interactive: false, tty: false, readOnly: false, rm: false, mounts: [], network: 'none',
    privileged: false, capAdd: [], capDrop: [], noNewPrivileges: false, groupAdd: [], dns: [], addHosts: [],
    netRequest: { allowHostLoopback: false, pastaArgs: [], publish: [], publishAll: false, dnsSearch: [] },
  });
});

test('toRunOptions: env files in order, then -e; volumes before tmpfs', () => {
  const f1 = join(dir, 'one.env');
  const f2 = join(dir, 'two.env');
  writeFileSync(f1, 'A=1\nB=1\n');
  writeFileSync(f2, 'B=2\nSHELL\n');
  const o = toRunOptions({ envFile: [f1, f2], env: ['A=3', 'USER'], tmpfs: ['/tmp'], volume: [`${dir}/data:/d:ro`],
    name: 'web.1', hostname: 'box', entrypoint: '', securityOpt: ['no-new-privileges'], addHost: ['db:10.0.0.2'] },
  [], { SHELL: '/bin/bash' });
  assert.deepEqual(o.env, ['A=1', 'B=1', 'B=2', 'SHELL=/bin/bash', 'A=3']);
  assert.deepEqual(o.mounts.map((m) => m.type), ['bind', 'tmpfs']);
  assert.equal(o.name, 'web.1');
  assert.equal(o.hostname, 'box');
  assert.equal(o.entrypoint, '');
  assert.equal(o.noNewPrivileges, true);
  assert.deepEqual(o.addHosts, [{ name: 'db', ip: '10.0.0.2' }]);
});

test('toRunOptions: an unreadable --env-file is a NotFoundError', () => {
  throwsWith(() => toRunOptions({ envFile: [join(dir, 'missing.env')] }, [], {}), NotFoundError, /env file .* cannot be read/);
});

test('toRunOptions: invalid --name and --hostname are UsageErrors', () => {
  for (const name of ['-x', '_x', 'a b', 'a/b', '']) {
    throwsWith(() => toRunOptions({ name }, [], {}), UsageError, /invalid container name/);
  }
  for (const hostname of ['-h', 'a_b', 'a b', '', 'x'.repeat(65)]) {
    throwsWith(() => toRunOptions({ hostname }, [], {}), UsageError, /invalid hostname/);
  }
  assert.equal(toRunOptions({ hostname: 'a'.repeat(63) }, [], {}).hostname, 'a'.repeat(63));
});

test('toRunOptions: a 64-character hostname is accepted, as its hint says (HOST_NAME_MAX)', () => {
    assert.equal(toRunOptions({ hostname: 'a'.repeat(64) }, [], {}).hostname, 'a'.repeat(64));
  });
