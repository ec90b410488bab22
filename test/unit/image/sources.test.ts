// Pure helpers of import and bootstrap: compression magic, the worker's reply, bootstrap sources, the busybox
// rootfs entries, the host's Debian mirror and mmdebstrap's argv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBootstrapSource } from '../../../client/image/bootstrap.js';
import { busyboxRootfs } from '../../../client/image/bootstrap-busybox.js';
import { debianMirrorFrom, mmdebstrapArgs } from '../../../client/image/bootstrap-debian.js';
import { detectCompression } from '../../../client/image/decompress.js';
import { decodeUnpackResult, unpackWarning } from '../../../client/image/unpack-result.js';
import { MyctrError } from '../../../client/runtime/errors.js';

test('compression is detected by magic bytes', () => {
  const b = (...x: number[]) => Buffer.from(x);
  assert.equal(detectCompression(b(0x1f, 0x8b, 8, 0, 0, 0)), 'gzip');
  assert.equal(detectCompression(b(0x28, 0xb5, 0x2f, 0xfd, 0, 0)), 'zstd');
  assert.equal(detectCompression(b(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0)), 'xz');
  assert.equal(detectCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from('./etc/')), 'none');
  assert.equal(detectCompression(b(0x28, 0xb5)), 'none');
});

test('the worker reply decodes; the warning is one sentence', () => {
  assert.equal(decodeUnpackResult('garbage'), undefined);
  assert.deepEqual(decodeUnpackResult('noise\n{"type":"unpack-error","message":"m","unsafe":true}\n'),
    { type: 'unpack-error', message: 'm', unsafe: true });
  const done = decodeUnpackResult('{"type":"unpack-done","entries":3,"skipped":{"CharacterDevice":8,"FIFO":1},"chownFailed":2,"chownExample":"`a` (70000:0)"}');
  assert.ok(done?.type === 'unpack-done');
  assert.equal(unpackWarning(done),
    'skipped 8 character devices, 1 FIFO (the runtime provides /dev); 2 files kept owned by root: the owner is outside the user namespace\'s id range (e.g. `a` (70000:0))');
  assert.equal(unpackWarning({ type: 'unpack-done', entries: 1, skipped: {}, chownFailed: 0 }), undefined);
});

test('bootstrap sources', () => {
  assert.deepEqual(parseBootstrapSource('busybox'), { kind: 'busybox' });
  assert.deepEqual(parseBootstrapSource('debian'), { kind: 'debian', distro: 'debian', suite: 'stable' });
  assert.deepEqual(parseBootstrapSource('debian:bookworm'), { kind: 'debian', distro: 'debian', suite: 'bookworm' });
  assert.deepEqual(parseBootstrapSource('ubuntu:noble'), { kind: 'debian', distro: 'ubuntu', suite: 'noble' });
  for (const bad of ['alpine', 'ubuntu', 'debian:Bookworm', 'busybox:1.36', 'debian:a:b']) {
    assert.throws(() => parseBootstrapSource(bad), (e: unknown) => e instanceof MyctrError && e.code === 'MYCTR_USAGE' && !!e.hint, bad);
  }
});

test('the busybox rootfs: dirs with their modes, /etc files, one symlink per applet, all 0:0', () => {
  const mtime = new Date('2024-01-01T00:00:00Z');
  const entries = busyboxRootfs(Buffer.from('ELF'), ['bin/sh', 'usr/bin/awk', 'bin/busybox', 'bin/sh', 'opt/x/y'], mtime);
  const by = new Map(entries.map((e) => [e.path, e]));
  assert.equal(by.get('tmp')?.mode, 0o1777);
  assert.equal(by.get('root')?.mode, 0o700);
  assert.equal(by.get('opt/x')?.type, 'dir');
  assert.equal(by.get('bin/busybox')?.mode, 0o755);
  assert.deepEqual(entries.filter((e) => e.type === 'symlink').map((e) => [e.path, e.linkpath]),
    [['bin/sh', '/bin/busybox'], ['opt/x/y', '/bin/busybox'], ['usr/bin/awk', '/bin/busybox']]);
  assert.match(String(by.get('etc/passwd')?.data), /^root:x:0:0:root:\/root:\/bin\/sh\n(.*\n)*nobody:x:65534:65534:/);
  assert.match(String(by.get('etc/group')?.data), /^root:x:0:\n(.*\n)*wheel:x:10:root\n(.*\n)*nogroup:x:65534:\n$/);
  for (const f of ['etc/hosts', 'etc/hostname', 'etc/resolv.conf']) assert.equal(by.get(f)?.data, '', f);
  assert.ok(entries.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === mtime));
  const dirIndex = (p: string) => entries.findIndex((e) => e.path === p);
  assert.ok(dirIndex('usr') < dirIndex('usr/bin') && dirIndex('usr/bin') < dirIndex('usr/bin/awk'));
});

test('the host Debian mirror from one-line and deb822 sources; snapshots ignored', () => {
  assert.equal(debianMirrorFrom(['deb http://ftp.de.debian.org/debian bookworm main\n']), 'http://ftp.de.debian.org/debian');
  assert.equal(debianMirrorFrom(['deb [arch=amd64 signed-by=/k.gpg] https://m.example/debian/ bookworm main']), 'https://m.example/debian');
  assert.equal(debianMirrorFrom([
    'Types: deb\n# http://snapshot.debian.org/archive/debian/20250520T000000Z\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n',
  ]), 'http://deb.debian.org/debian');
  assert.equal(debianMirrorFrom(['URIs: http://deb.debian.org/debian-security\n']), undefined);
  assert.equal(debianMirrorFrom(['deb http://snapshot.debian.org/archive/debian bookworm main']), undefined);
});

test('mmdebstrap argv: minbase tar on stdout; a mirror only when it is not the default', () => {
  assert.deepEqual(mmdebstrapArgs('bookworm', 'unshare', 'http://deb.debian.org/debian'),
    ['--variant=minbase', '--mode=unshare', '--format=tar', 'bookworm', '-']);
  assert.deepEqual(mmdebstrapArgs('stable', 'root', 'http://m.example/debian'),
    ['--variant=minbase', '--mode=root', '--format=tar', 'stable', '-', 'http://m.example/debian']);
});
