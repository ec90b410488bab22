// client/runtime/init/user.ts: passwd/group parsing and `-u` resolution with Docker's (runc's) rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MyctrError } from '../../../../../client/runtime/errors.js';
import { parseGroup, parsePasswd, resolveUser } from '../../../../../client/runtime/init/user.js';

const PASSWD = parsePasswd([
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice,,,:/home/alice:/bin/sh',
  'nohome:x:1002:1002::::', // empty home → '/'
  'www:x:33:33:www-data:/var/www:/usr/sbin/nologin',
].join('\n'));

const GROUP = parseGroup([
  'root:x:0:',
  'tty:x:5:',
  'audio:x:29:alice,bob',
  'video:x:44:bob,alice',
  'alice:x:1000:',
  'staff:x:50:www',
  'docker:x:999:alice',
].join('\n'));

test('parsePasswd keeps well-formed lines and skips malformed ones', () => {
  const got = parsePasswd([
    'root:x:0:0:root:/root:/bin/bash',
    'short:x:1:1:gecos:/home', // 6 fields
    ':x:2:2::/:/bin/sh', // no name
    'baduid:x:abc:2::/:/bin/sh',
    'badgid:x:3:-1::/:/bin/sh',
    '# comment',
    '',
    'ok:x:4:5::/home/ok:',
    'big:x:12345678901:1::/:/bin/sh', // 11 digits
  ].join('\n'));
  assert.deepEqual(got, [
    { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
    { name: 'ok', uid: 4, gid: 5, home: '/home/ok', shell: '' },
  ]);
  assert.equal(PASSWD.find((p) => p.name === 'nohome')?.home, '/');
});

test('parseGroup reads members and skips malformed lines', () => {
  assert.deepEqual(parseGroup('audio:x:29:alice,bob\nempty:x:7:\nbad:x:seven:\nshort:x:8\n:x:9:\nsp:x:10:,a,,b,'), [
    { name: 'audio', gid: 29, members: ['alice', 'bob'] },
    { name: 'empty', gid: 7, members: [] },
    { name: 'sp', gid: 10, members: ['a', 'b'] },
  ]);
});

test("'' is root with root's passwd entry", () => {
  assert.deepEqual(resolveUser('', PASSWD, GROUP), { uid: 0, gid: 0, groups: [0], home: '/root' });
  // An image without an /etc/passwd still runs as root.
  assert.deepEqual(resolveUser('', [], []), { uid: 0, gid: 0, groups: [0], home: '/root' });
});

test('a name resolves through passwd and picks up its group memberships', () => {
  assert.deepEqual(resolveUser('alice', PASSWD, GROUP), { uid: 1000, gid: 1000, groups: [1000, 29, 44, 999], home: '/home/alice' });
  assert.deepEqual(resolveUser('www', PASSWD, GROUP), { uid: 33, gid: 33, groups: [33, 50], home: '/var/www' });
  assert.deepEqual(resolveUser('daemon', PASSWD, GROUP), { uid: 1, gid: 1, groups: [1], home: '/usr/sbin' });
});

test('a numeric uid in passwd takes its entry; one not in passwd gets gid 0 and home /', () => {
  assert.deepEqual(resolveUser('1000', PASSWD, GROUP), { uid: 1000, gid: 1000, groups: [1000, 29, 44, 999], home: '/home/alice' });
  assert.deepEqual(resolveUser('4242', PASSWD, GROUP), { uid: 4242, gid: 0, groups: [0], home: '/' });
});

test('name:group and uid:gid set the primary group and drop the memberships (runc)', () => {
  assert.deepEqual(resolveUser('alice:audio', PASSWD, GROUP), { uid: 1000, gid: 29, groups: [29], home: '/home/alice' });
  assert.deepEqual(resolveUser('alice:4000', PASSWD, GROUP), { uid: 1000, gid: 4000, groups: [4000], home: '/home/alice' });
  assert.deepEqual(resolveUser('4242:4243', PASSWD, GROUP), { uid: 4242, gid: 4243, groups: [4243], home: '/' });
  assert.deepEqual(resolveUser('0:tty', PASSWD, GROUP), { uid: 0, gid: 5, groups: [5], home: '/root' });
});

function assertNotFound(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MyctrError);
    assert.equal(err.code, 'MYCTR_NOT_FOUND');
    assert.match(err.message, message);
    assert.match(err.hint ?? '', /\/etc\/passwd|numeric uid/);
    return true;
  });
}

test('unknown users and groups are MYCTR_NOT_FOUND with a hint', () => {
  assertNotFound(() => resolveUser('mallory', PASSWD, GROUP), /unable to find user `mallory`/);
  assertNotFound(() => resolveUser('alice:wheel', PASSWD, GROUP), /unable to find group `wheel`/);
  assertNotFound(() => resolveUser('alice', [], GROUP), /unable to find user `alice`/);
  assertNotFound(() => resolveUser('alice', PASSWD, GROUP, ['nosuch']), /unable to find group `nosuch`/);
});

test('--group-add appends groups by name or gid, without duplicates', () => {
  assert.deepEqual(resolveUser('alice', PASSWD, GROUP, ['tty', '29', '7000']).groups, [1000, 29, 44, 999, 5, 7000]);
  assert.deepEqual(resolveUser('4242:50', PASSWD, GROUP, ['staff', 'audio']).groups, [50, 29]);
  assert.deepEqual(resolveUser('', PASSWD, GROUP, ['0', 'root']).groups, [0]);
});

test('a numeric-looking user name is treated as a uid, not looked up by name', () => {
  const passwd = parsePasswd('123:x:500:500::/home/n:/bin/sh');
  assert.deepEqual(resolveUser('123', passwd, []), { uid: 123, gid: 0, groups: [0], home: '/' });
});
