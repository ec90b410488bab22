// client/runtime/setup/secure-join.ts on a real temp tree: symlinks are followed as if the rootfs were `/`,
// and nothing resolves outside of it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { secureJoin } from '../../../../../client/runtime/setup/secure-join.js';

const base = mkdtempSync(join(tmpdir(), 'myctr-secure-join-'));
after(() => rmSync(base, { recursive: true, force: true }));
/** The container rootfs. `base/outside` is a sibling a broken resolver would reach. */
const root = join(base, 'rootfs');

mkdirSync(join(base, 'outside'), { recursive: true });
for (const d of ['etc', 'usr/lib', 'var/run', 'data', 'a/b/c']) mkdirSync(join(root, d), { recursive: true });
writeFileSync(join(root, 'etc/hosts'), '');
symlinkSync('/etc', join(root, 'abs-etc')); // absolute: must mean rootfs/etc, not the host's /etc
symlinkSync('/host/resolv.conf', join(root, 'etc/resolv.conf')); // dangling absolute
symlinkSync('../../../../../../..', join(root, 'data/escape')); // `..` far past the root
symlinkSync('../../outside', join(root, 'etc/up')); // would name base/outside if not clamped
symlinkSync('lib', join(root, 'usr/lib64')); // relative, same directory
symlinkSync('/usr/lib64', join(root, 'lib64')); // chain: lib64 → /usr/lib64 → lib
symlinkSync('../run', join(root, 'var/lock')); // relative with ..
symlinkSync('/var/run', join(root, 'run')); // absolute into a dir
symlinkSync('loop2', join(root, 'loop1'));
symlinkSync('loop1', join(root, 'loop2'));
symlinkSync('self', join(root, 'self'));
symlinkSync('./c', join(root, 'a/b/dot'));

test('plain paths are joined, normalized and made absolute under the root', () => {
  assert.equal(secureJoin(root, '/etc/hosts'), join(root, 'etc/hosts'));
  assert.equal(secureJoin(root, 'etc/hosts'), join(root, 'etc/hosts'));
  assert.equal(secureJoin(root, '//etc/./hosts/'), join(root, 'etc/hosts'));
  assert.equal(secureJoin(root, '/'), root);
  assert.equal(secureJoin(root, ''), root);
});

test('an absolute symlink resolves inside the root', () => {
  assert.equal(secureJoin(root, '/abs-etc/hosts'), join(root, 'etc/hosts'));
  assert.equal(secureJoin(root, '/abs-etc'), join(root, 'etc'));
});

test('a dangling absolute symlink resolves to the path inside the root (for the caller to create)', () => {
  assert.equal(secureJoin(root, '/etc/resolv.conf'), join(root, 'host/resolv.conf'));
});

test('`..` in the path is clamped at the root', () => {
  assert.equal(secureJoin(root, '/../../../etc/hosts'), join(root, 'etc/hosts'));
  assert.equal(secureJoin(root, '/etc/../../..'), root);
});

test('`..` in a symlink target is clamped at the root', () => {
  assert.equal(secureJoin(root, '/data/escape'), root);
  assert.equal(secureJoin(root, '/data/escape/etc/hosts'), join(root, 'etc/hosts'));
  assert.equal(secureJoin(root, '/etc/up'), join(root, 'outside'));
  assert.equal(secureJoin(root, '/etc/up/x'), join(root, 'outside/x'));
});

test('relative symlinks resolve against their own directory', () => {
  assert.equal(secureJoin(root, '/usr/lib64/libc.so'), join(root, 'usr/lib/libc.so'));
  assert.equal(secureJoin(root, '/var/lock/x.pid'), join(root, 'var/run/x.pid'));
  assert.equal(secureJoin(root, '/a/b/dot'), join(root, 'a/b/c'));
});

test('chains of symlinks are followed to the end', () => {
  assert.equal(secureJoin(root, '/lib64/ld.so'), join(root, 'usr/lib/ld.so'));
  assert.equal(secureJoin(root, '/run/lock/y'), join(root, 'var/run/lock/y'));
});

test('`..` after a symlink applies to the resolved path, not the lexical one', () => {
  // /lib64 → /usr/lib, so /lib64/.. is /usr.
  assert.equal(secureJoin(root, '/lib64/../share'), join(root, 'usr/share'));
});

test('missing components are appended literally', () => {
  assert.equal(secureJoin(root, '/no/such/dir'), join(root, 'no/such/dir'));
  assert.equal(secureJoin(root, '/abs-etc/new/file'), join(root, 'etc/new/file'));
});

test('symlink loops fail with ELOOP', () => {
  for (const p of ['/loop1', '/loop2/x', '/self']) {
    assert.throws(() => secureJoin(root, p), (err: unknown) => {
      assert.equal((err as NodeJS.ErrnoException).code, 'ELOOP');
      assert.match((err as Error).message, /too many levels of symbolic links/);
      return true;
    });
  }
});

test('no result ever leaves the root', () => {
  const paths = ['/data/escape', '/etc/up', '/../..', '/abs-etc/../..', '/data/escape/../../etc', '/etc/resolv.conf'];
  for (const p of paths) {
    const got = secureJoin(root, p);
    assert.ok(got === root || got.startsWith(root + '/'), `${p} → ${got}`);
  }
});
