// sys/mount.ts for real, in `unshare --user --map-root-user --mount` children (fixtures/mount.ts): tmpfs,
// bind, read-only remounts (including locked flags and submounts), umount2 and pivot_root.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MS } from '../../../sys/constants.js';
import { mountFlagsOf } from '../../../sys/mount.js';
import { lockedTmpfsPrefix, requireProbe, resultOf, runFixture, usernsAvailable } from './helpers.js';

const OK = { ok: true, value: null };

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-sys-mount-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const erofs = (o: unknown): boolean => (o as { code?: string }).code === 'EROFS';

test('mountFlagsOf reports the flags of the mount holding a path', () => {
  const flags = mountFlagsOf('/');
  assert.equal(typeof flags, 'number');
  // Only the translated MS_* bits can appear.
  const known = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME |
    MS.NOSYMFOLLOW;
  assert.equal(flags & ~known, 0);
  assert.throws(() => mountFlagsOf('/nonexistent/myctr'), {
    errnoName: 'ENOENT', message: 'statvfs `/nonexistent/myctr`: ENOENT (no such file or directory)',
  });
});

test('tmpfs, read-only bind, recursive read-only bind, remount and umount2', (t) => {
  if (!requireProbe(t, usernsAvailable())) return;
  const r = resultOf(runFixture('mount', ['basic', scratch(t)], { userns: true }));
  assert.deepEqual(r.tmpfs, OK);
  assert.deepEqual(r.writeA, OK);
  assert.equal((r.flagsA as number) & (MS.NOSUID | MS.NODEV | MS.RDONLY), MS.NOSUID | MS.NODEV);
  assert.deepEqual(r.bindRo, OK);
  // Read-only, and the tmpfs's own flags were carried over by the remount.
  assert.equal((r.flagsB as number) & (MS.NOSUID | MS.NODEV | MS.RDONLY), MS.NOSUID | MS.NODEV | MS.RDONLY);
  assert.deepEqual(r.readB, { ok: true, value: 'x' });
  assert.ok(erofs(r.writeB), `write through the read-only bind: ${JSON.stringify(r.writeB)}`);
  assert.deepEqual(r.writeAAfter, OK, 'the source mount stays writable');
  assert.equal((r.flagsAAfter as number) & MS.RDONLY, 0);
  assert.deepEqual(r.rbindRo, OK);
  assert.ok(erofs(r.writeCSub), `submount of a recursive read-only bind: ${JSON.stringify(r.writeCSub)}`);
  assert.deepEqual(r.writeASub, OK);
  assert.deepEqual(r.remountD, OK);
  assert.ok(erofs(r.writeD), `superblock remounted read-only: ${JSON.stringify(r.writeD)}`);
  assert.deepEqual(r.umountB, OK);
  assert.deepEqual(r.listBAfterUmount, []);
  assert.equal((r.missingTarget as { errnoName: string }).errnoName, 'ENOENT');
  assert.match((r.missingTarget as { message: string }).message,
    /^mount `tmpfs` on `\/.*\/missing`: ENOENT \(no such file or directory\)$/);
  assert.equal((r.nulTarget as { name: string }).name, 'TypeError');
  assert.match((r.umountNotMounted as { message: string }).message, /^umount2 `.*\/b`: EINVAL \(invalid argument\)$/);
});

test('remountReadOnly keeps flags the kernel locked in a user namespace', (t) => {
  if (!requireProbe(t, usernsAvailable())) return;
  const dir = scratch(t);
  mkdirSync(join(dir, 'locked'));
  const r = resultOf(runFixture('mount', ['locked', dir, join(dir, 'locked')], {
    userns: true, prefix: lockedTmpfsPrefix(join(dir, 'locked')),
  }));
  assert.equal((r.flagsSource as number) & (MS.NOSUID | MS.NODEV), MS.NOSUID | MS.NODEV);
  assert.deepEqual(r.bind, OK);
  // A remount that leaves out nosuid/nodev would clear them: refused.
  assert.equal((r.naiveRemount as { errnoName: string }).errnoName, 'EPERM');
  assert.match((r.naiveRemount as { message: string }).message, /^mount `none` on `.*\/t` \(remount,bind,ro\): EPERM/);
  assert.deepEqual(r.remountReadOnly, OK);
  assert.equal((r.flagsAfter as number) & (MS.NOSUID | MS.NODEV | MS.RDONLY), MS.NOSUID | MS.NODEV | MS.RDONLY);
  assert.ok(erofs(r.writeAfter));
});

test('pivot_root into a tmpfs', (t) => {
  if (!requireProbe(t, usernsAvailable())) return;
  const r = resultOf(runFixture('mount', ['pivot', scratch(t)], { userns: true }));
  for (const step of ['tmpfs', 'chdir', 'pivot', 'detach', 'chdirRoot'] as const) assert.deepEqual(r[step], OK, step);
  assert.deepEqual(r.rootEntries, ['marker']);
  assert.deepEqual(r.marker, { ok: true, value: 'inside' });
});
