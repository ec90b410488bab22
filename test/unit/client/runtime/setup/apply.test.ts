// client/runtime/setup/apply.ts against RecordingSys: the syscalls each op makes, the filesystem work done on
// a temp rootfs, SetupOpError wrapping, and the overlay/devpts fallbacks.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SetupOpError, applySetupOps, type SetupLog } from '../../../../../client/runtime/setup/apply.js';
import type { SetupOp } from '../../../../../client/runtime/setup/ops.js';
import { SyscallError } from '../../../../../sys/check.js';
import { MNT, MS } from '../../../../../sys/constants.js';
import { RecordingSys } from '../../../../support/recording-sys.js';

const KERNEL_FS = MS.NOSUID | MS.NODEV | MS.NOEXEC;

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'myctr-apply-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(ops: SetupOp[], sys: RecordingSys, inUserns = true, debug = true) {
  const logs: [string, string][] = [];
  const log: SetupLog = (level, msg) => { logs.push([level, msg]); };
  let error: unknown;
  try { applySetupOps(ops, { sys, log, inUserns, debug }); } catch (err) { error = err; }
  return { logs, error };
}

test('a small plan makes the expected calls in order and does its filesystem work', (t) => {
  const d = scratch(t);
  const r = join(d, 'rootfs');
  mkdirSync(join(d, 'image'));
  mkdirSync(join(d, 'vol'));
  writeFileSync(join(d, 'hosts'), '127.0.0.1 localhost\n');
  mkdirSync(join(r, 'proc/acpi'), { recursive: true });
  writeFileSync(join(r, 'proc/kcore'), '');
  mkdirSync(join(r, 'proc/sys'), { recursive: true });
  const ops: SetupOp[] = [
    { kind: 'make-private' },
    { kind: 'rootfs-bind', target: r, source: join(d, 'image') },
    { kind: 'proc', target: `${r}/proc` },
    { kind: 'sysfs', target: `${r}/sys`, readonly: true, rbindFallback: false },
    { kind: 'tmpfs', target: `${r}/dev`, options: 'mode=755', flags: MS.NOSUID | MS.NOEXEC },
    { kind: 'dev-node', target: `${r}/dev/null`, source: '/dev/null' },
    { kind: 'devpts', target: `${r}/dev/pts` },
    { kind: 'symlink', path: `${r}/dev/ptmx`, linkTarget: 'pts/ptmx' },
    { kind: 'bind', source: join(d, 'hosts'), target: '/etc/hosts', root: r, readonly: false, recursive: false, file: true },
    { kind: 'bind', source: join(d, 'vol'), target: '/data/v', root: r, readonly: true, recursive: true, file: false },
    { kind: 'tmpfs', target: '/run', options: 'mode=1777', flags: KERNEL_FS, root: r },
    { kind: 'mask', target: `${r}/proc/acpi` },
    { kind: 'mask', target: `${r}/proc/kcore` },
    { kind: 'mask', target: `${r}/proc/missing` },
    { kind: 'readonly-path', target: `${r}/proc/sys` },
    { kind: 'readonly-path', target: `${r}/proc/missing` },
    { kind: 'remount-ro', target: r },
    { kind: 'pivot-root', newRoot: r },
  ];
  const sys = new RecordingSys();
  const { error, logs } = run(ops, sys);
  assert.equal(error, undefined);
  assert.deepEqual(sys.calls, [
    { fn: 'mount', args: [null, '/', null, MS.REC | MS.PRIVATE, null] },
    { fn: 'bindMount', args: [join(d, 'image'), r, { recursive: false, readonly: false }] },
    { fn: 'mount', args: ['proc', `${r}/proc`, 'proc', KERNEL_FS, null] },
    { fn: 'mount', args: ['sysfs', `${r}/sys`, 'sysfs', KERNEL_FS | MS.RDONLY, null] },
    { fn: 'mount', args: ['tmpfs', `${r}/dev`, 'tmpfs', MS.NOSUID | MS.NOEXEC, 'mode=755'] },
    { fn: 'bindMount', args: ['/dev/null', `${r}/dev/null`, { recursive: false, readonly: false }] },
    { fn: 'mount', args: ['devpts', `${r}/dev/pts`, 'devpts', MS.NOSUID | MS.NOEXEC, 'newinstance,ptmxmode=0666,mode=0620,gid=5'] },
    { fn: 'bindMount', args: [join(d, 'hosts'), `${r}/etc/hosts`, { recursive: false, readonly: false }] },
    { fn: 'bindMount', args: [join(d, 'vol'), `${r}/data/v`, { recursive: true, readonly: true }] },
    { fn: 'mount', args: ['tmpfs', `${r}/run`, 'tmpfs', KERNEL_FS, 'mode=1777'] },
    { fn: 'mount', args: ['tmpfs', `${r}/proc/acpi`, 'tmpfs', MS.RDONLY | KERNEL_FS, 'size=0'] },
    { fn: 'bindMount', args: ['/dev/null', `${r}/proc/kcore`, { recursive: false, readonly: false }] },
    { fn: 'bindMount', args: [`${r}/proc/sys`, `${r}/proc/sys`, { recursive: true, readonly: true }] },
    { fn: 'remountReadOnly', args: [r, { bind: true }] },
    { fn: 'chdir', args: [r] },
    { fn: 'pivotRoot', args: ['.', '.'] },
    { fn: 'umount2', args: ['.', MNT.DETACH] },
    { fn: 'chdir', args: ['/'] },
  ]);
  // Mount points were created on the temp rootfs: files for file binds, directories otherwise.
  for (const p of ['proc', 'sys', 'dev/pts', 'data/v', 'run']) assert.ok(statSync(join(r, p)).isDirectory(), p);
  assert.ok(statSync(join(r, 'dev/null')).isFile());
  assert.ok(statSync(join(r, 'etc/hosts')).isFile());
  assert.equal(readFileSync(join(r, 'etc/hosts'), 'utf8'), '', 'the mount point is created empty, not copied');
  assert.equal(readlinkSync(join(r, 'dev/ptmx')), 'pts/ptmx');
  assert.equal(logs.filter(([l]) => l === 'debug').length, ops.length, 'one debug line per op');
});

test('without debug the ops are not logged one by one (nor their JSON built); notes of an op still are', (t) => {
  const r = scratch(t);
  const sys = new RecordingSys().failNth('mount', 1, 'EBUSY');
  const { error, logs } = run([{ kind: 'cgroup2', target: `${r}/cg`, readonly: true }, { kind: 'mqueue', target: `${r}/mq` }], sys, true, false);
  assert.equal(error, undefined);
  assert.equal(logs.filter(([, msg]) => msg.startsWith('setup op ')).length, 0);
  assert.equal(logs.length, 1);
  assert.match(logs[0]![1], /cgroup2 not mounted: .*EBUSY/);
});

test('failing the 3rd mount with EPERM → SetupOpError(index 3) with code, message and hint; nothing runs after', (t) => {
  const r = join(scratch(t), 'rootfs');
  const ops: SetupOp[] = [
    { kind: 'make-private' },
    { kind: 'rootfs-bind', target: r, source: '/img' },
    { kind: 'proc', target: `${r}/proc` },
    { kind: 'sysfs', target: `${r}/sys`, readonly: true, rbindFallback: false },
    { kind: 'mqueue', target: `${r}/dev/mqueue` },
  ];
  const sys = new RecordingSys().failNth('mount', 3, 'EPERM');
  const { error } = run(ops, sys);
  assert.ok(error instanceof SetupOpError, String(error));
  assert.equal(error.index, 3);
  assert.equal(error.op, ops[3]);
  assert.equal(error.code, 'MYCTR_SETUP_FAILED');
  assert.match(error.message, /^setup step 3 \(sysfs\): mount .*: EPERM \(/);
  assert.match(error.hint ?? '', /refused this in a user namespace/);
  assert.ok(error.cause instanceof SyscallError);
  assert.equal(error.cause.errnoName, 'EPERM');
  assert.deepEqual(sys.fns(), ['mount', 'bindMount', 'mount', 'mount']);
  assert.ok(!existsSync(join(r, 'dev/mqueue')), 'the op after the failure did not run');
});

test('a bind failing with ENOENT hints at the volume\'s host path; other errnos get no hint', (t) => {
  const r = scratch(t);
  const bind: SetupOp = { kind: 'bind', source: '/gone', target: '/data', root: r, readonly: false, recursive: true, file: false };
  const enoent = run([bind], new RecordingSys().failNth('bindMount', 1, 'ENOENT')).error;
  assert.ok(enoent instanceof SetupOpError);
  assert.equal(enoent.index, 0);
  assert.match(enoent.message, /^setup step 0 \(bind\): /);
  assert.equal(enoent.hint, 'check that the host path of the volume exists');
  const ebusy = run([bind], new RecordingSys().failNth('bindMount', 1, 'EBUSY')).error;
  assert.ok(ebusy instanceof SetupOpError);
  assert.equal(ebusy.hint, undefined);
});

test('a bind target is resolved inside the root: a symlink to /host/... cannot redirect it', (t) => {
  const d = scratch(t);
  const r = join(d, 'rootfs');
  mkdirSync(join(r, 'etc'), { recursive: true });
  symlinkSync(join(d, 'outside'), join(r, 'etc/resolv.conf'));
  const sys = new RecordingSys();
  const { error } = run([{ kind: 'bind', source: '/x', target: '/etc/resolv.conf', root: r, readonly: false, recursive: false, file: true }], sys);
  assert.equal(error, undefined);
  assert.deepEqual(sys.argsOf('bindMount'), [['/x', join(r, d, 'outside'), { recursive: false, readonly: false }]]);
  assert.ok(!existsSync(join(d, 'outside')), 'nothing was created outside the rootfs');
});

test('a file bind onto an existing directory is refused; an optional bind with a missing source is skipped', (t) => {
  const r = scratch(t);
  mkdirSync(join(r, 'etc/hosts'), { recursive: true });
  const sys = new RecordingSys();
  const optional: SetupOp = { kind: 'bind', source: join(r, 'nope'), target: '/opt', root: r, readonly: false, recursive: false, file: false, optional: true };
  assert.equal(run([optional], sys).error, undefined);
  assert.deepEqual(sys.calls, []);
  const { error } = run([{ kind: 'bind', source: '/x', target: '/etc/hosts', root: r, readonly: false, recursive: false, file: true }], sys);
  assert.ok(error instanceof SetupOpError);
  assert.match(error.message, /is a directory but the source is a file/);
  assert.deepEqual(sys.calls, []);
});

function overlayFixture(t: TestContext) {
  const d = scratch(t);
  for (const [layer, files] of [['l1', { 'etc/os-release': 'one', 'bin/a': 'a' }], ['l2', { 'etc/os-release': 'two', 'bin/b': 'b' }]] as const) {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(d, layer, p, '..'), { recursive: true });
      writeFileSync(join(d, layer, p), text);
    }
  }
  const op: SetupOp = { kind: 'rootfs-overlay', target: join(d, 'rootfs'), lower: [join(d, 'l1'), join(d, 'l2')],
    upper: join(d, 'upper'), work: join(d, 'work'), copyFallback: join(d, 'copy') };
  return { d, op };
}

test('rootfs-overlay mounts overlayfs with the top layer first, userxattr only in a user namespace', (t) => {
  const { d, op } = overlayFixture(t);
  const data = `lowerdir=${d}/l2:${d}/l1,upperdir=${d}/upper,workdir=${d}/work`;
  const inNs = new RecordingSys();
  assert.equal(run([op], inNs, true).error, undefined);
  assert.deepEqual(inNs.calls, [{ fn: 'mount', args: ['overlay', `${d}/rootfs`, 'overlay', 0, `${data},userxattr`] }]);
  const asRoot = new RecordingSys();
  run([op], asRoot, false);
  assert.deepEqual(asRoot.argsOf('mount'), [['overlay', `${d}/rootfs`, 'overlay', 0, data]]);
  assert.ok(!existsSync(`${d}/copy`), 'no copy without a failure');
});

for (const errno of ['EPERM', 'EINVAL']) {
  test(`rootfs-overlay falls back to cp -a + bind when overlay fails with ${errno}`, (t) => {
    const { d, op } = overlayFixture(t);
    const sys = new RecordingSys().failNth('mount', 1, errno);
    const { error, logs } = run([op], sys);
    assert.equal(error, undefined);
    assert.deepEqual(sys.fns(), ['mount', 'bindMount']);
    assert.deepEqual(sys.argsOf('bindMount'), [[`${d}/copy`, `${d}/rootfs`, { recursive: false, readonly: false }]]);
    // Layers are copied bottom to top: the upper layer's file wins, files of both are present.
    assert.equal(readFileSync(`${d}/copy/etc/os-release`, 'utf8'), 'two');
    assert.equal(readFileSync(`${d}/copy/bin/a`, 'utf8'), 'a');
    assert.equal(readFileSync(`${d}/copy/bin/b`, 'utf8'), 'b');
    assert.ok(logs.some(([level, msg]) => level === 'warn' && msg.includes(errno)), JSON.stringify(logs));
  });
}

test('devpts retries without gid=5 on EINVAL', (t) => {
  const target = join(scratch(t), 'pts');
  const sys = new RecordingSys().failNth('mount', 1, 'EINVAL');
  assert.equal(run([{ kind: 'devpts', target }], sys).error, undefined);
  assert.deepEqual(sys.argsOf('mount').map((a) => a[4]), [
    'newinstance,ptmxmode=0666,mode=0620,gid=5',
    'newinstance,ptmxmode=0666,mode=0620',
  ]);
});

test('devpts does not retry on other errors', (t) => {
  const sys = new RecordingSys().failNth('mount', 1, 'EPERM');
  const { error } = run([{ kind: 'devpts', target: join(scratch(t), 'pts') }], sys);
  assert.ok(error instanceof SetupOpError);
  assert.match(error.message, /^setup step 0 \(devpts\)/);
  assert.equal(sys.calls.length, 1);
});

test('cgroup2 is optional: a failure is logged and setup continues', (t) => {
  const r = scratch(t);
  const sys = new RecordingSys().failNth('mount', 1, 'EBUSY');
  const { error, logs } = run([{ kind: 'cgroup2', target: `${r}/cg`, readonly: true }, { kind: 'mqueue', target: `${r}/mq` }], sys);
  assert.equal(error, undefined);
  assert.deepEqual(sys.argsOf('mount').map((a) => [a[2], a[3]]), [['cgroup2', KERNEL_FS | MS.RDONLY], ['mqueue', KERNEL_FS]]);
  assert.ok(logs.some(([, msg]) => /cgroup2 not mounted: .*EBUSY/.test(msg)));
});

test('sysfs with rbindFallback binds the host /sys recursively; symlink ops tolerate EEXIST', (t) => {
  const r = scratch(t);
  symlinkSync('elsewhere', join(r, 'fd'));
  const sys = new RecordingSys();
  const { error } = run([
    { kind: 'sysfs', target: `${r}/sys`, readonly: true, rbindFallback: true },
    { kind: 'symlink', path: join(r, 'fd'), linkTarget: '/proc/self/fd' },
  ], sys);
  assert.equal(error, undefined);
  assert.deepEqual(sys.calls, [{ fn: 'bindMount', args: ['/sys', `${r}/sys`, { recursive: true, readonly: true }] }]);
  assert.equal(readlinkSync(join(r, 'fd')), 'elsewhere', 'an existing entry is left alone');
});
