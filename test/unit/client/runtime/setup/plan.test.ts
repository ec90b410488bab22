// client/runtime/setup/plan.ts: planSetupOps turns a spec into the ordered op list; the order is the
// semantics, so the default plan is compared op by op.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASKED_PATHS, READONLY_PATHS } from '../../../../../client/runtime/setup/defaults.js';
import type { SetupOp } from '../../../../../client/runtime/setup/ops.js';
import { planSetupOps, type PlanInput } from '../../../../../client/runtime/setup/plan.js';

const R = '/run/myctr/c1/rootfs';
const ETC = { hostname: '/run/myctr/c1/hostname', hosts: '/run/myctr/c1/hosts', resolvConf: '/run/myctr/c1/resolv.conf' };
const LAYERS = { lower: ['/l/1', '/l/2'], upper: '/c/upper', work: '/c/work', copyFallback: '/c/copy' };

function input(o: Partial<PlanInput> = {}): PlanInput {
  return { rootfs: R, layers: LAYERS, etcFiles: ETC, mounts: [], privateNetwork: true, readOnly: false, privileged: false, ...o };
}

const NOSUID = 0x2;
const NODEV = 0x4;
const NOEXEC = 0x8;

/** The default plan, written out by hand: `--network none`, not read-only, not privileged, no volumes. */
const DEFAULT_PLAN: SetupOp[] = [
  { kind: 'make-private' },
  { kind: 'loopback-up' },
  { kind: 'rootfs-overlay', target: R, lower: ['/l/1', '/l/2'], upper: '/c/upper', work: '/c/work', copyFallback: '/c/copy' },
  { kind: 'proc', target: `${R}/proc` },
  { kind: 'sysfs', target: `${R}/sys`, readonly: true, rbindFallback: false },
  { kind: 'cgroup2', target: `${R}/sys/fs/cgroup`, readonly: true },
  { kind: 'tmpfs', target: `${R}/dev`, options: 'mode=755,size=65536k', flags: NOSUID | NOEXEC },
  { kind: 'dev-node', target: `${R}/dev/null`, source: '/dev/null' },
  { kind: 'dev-node', target: `${R}/dev/zero`, source: '/dev/zero' },
  { kind: 'dev-node', target: `${R}/dev/full`, source: '/dev/full' },
  { kind: 'dev-node', target: `${R}/dev/random`, source: '/dev/random' },
  { kind: 'dev-node', target: `${R}/dev/urandom`, source: '/dev/urandom' },
  { kind: 'dev-node', target: `${R}/dev/tty`, source: '/dev/tty' },
  { kind: 'devpts', target: `${R}/dev/pts` },
  { kind: 'symlink', path: `${R}/dev/ptmx`, linkTarget: 'pts/ptmx' },
  { kind: 'tmpfs', target: `${R}/dev/shm`, options: 'mode=1777,size=65536k', flags: NOSUID | NODEV | NOEXEC },
  { kind: 'mqueue', target: `${R}/dev/mqueue` },
  { kind: 'symlink', path: `${R}/dev/fd`, linkTarget: '/proc/self/fd' },
  { kind: 'symlink', path: `${R}/dev/stdin`, linkTarget: '/proc/self/fd/0' },
  { kind: 'symlink', path: `${R}/dev/stdout`, linkTarget: '/proc/self/fd/1' },
  { kind: 'symlink', path: `${R}/dev/stderr`, linkTarget: '/proc/self/fd/2' },
  { kind: 'symlink', path: `${R}/dev/core`, linkTarget: '/proc/kcore' },
  { kind: 'bind', source: ETC.hostname, target: '/etc/hostname', root: R, readonly: false, recursive: false, file: true },
  { kind: 'bind', source: ETC.hosts, target: '/etc/hosts', root: R, readonly: false, recursive: false, file: true },
  { kind: 'bind', source: ETC.resolvConf, target: '/etc/resolv.conf', root: R, readonly: false, recursive: false, file: true },
  { kind: 'mask', target: `${R}/proc/acpi` },
  { kind: 'mask', target: `${R}/proc/kcore` },
  { kind: 'mask', target: `${R}/proc/keys` },
  { kind: 'mask', target: `${R}/proc/latency_stats` },
  { kind: 'mask', target: `${R}/proc/sched_debug` },
  { kind: 'mask', target: `${R}/proc/scsi` },
  { kind: 'mask', target: `${R}/proc/timer_list` },
  { kind: 'mask', target: `${R}/proc/timer_stats` },
  { kind: 'mask', target: `${R}/proc/interrupts` },
  { kind: 'mask', target: `${R}/sys/dev/block` },
  { kind: 'mask', target: `${R}/sys/devices/virtual/powercap` },
  { kind: 'mask', target: `${R}/sys/firmware` },
  { kind: 'mask', target: `${R}/sys/fs/selinux` },
  { kind: 'readonly-path', target: `${R}/proc/asound` },
  { kind: 'readonly-path', target: `${R}/proc/bus` },
  { kind: 'readonly-path', target: `${R}/proc/fs` },
  { kind: 'readonly-path', target: `${R}/proc/irq` },
  { kind: 'readonly-path', target: `${R}/proc/sys` },
  { kind: 'readonly-path', target: `${R}/proc/sysrq-trigger` },
  { kind: 'pivot-root', newRoot: R },
];

const kinds = (ops: readonly SetupOp[]) => ops.map((o) => o.kind);

test('the default plan, op by op', () => {
  assert.deepEqual(planSetupOps(input()), DEFAULT_PLAN);
});

test('make-private is first and pivot-root is last in every variant', () => {
  for (const o of [{}, { privileged: true }, { readOnly: true }, { privateNetwork: false }, { layers: { dir: '/d' } }]) {
    const ops = planSetupOps(input(o));
    assert.equal(ops[0]?.kind, 'make-private');
    assert.deepEqual(ops.at(-1), { kind: 'pivot-root', newRoot: R });
    assert.equal(kinds(ops).filter((k) => k === 'pivot-root').length, 1);
  }
});

test('a plain directory rootfs is a rootfs-bind in place of the overlay', () => {
  const ops = planSetupOps(input({ layers: { dir: '/images/x/rootfs' } }));
  assert.deepEqual(ops[2], { kind: 'rootfs-bind', target: R, source: '/images/x/rootfs' });
  assert.ok(!kinds(ops).includes('rootfs-overlay'));
});

test('--privileged: no masks or read-only paths, writable sysfs and cgroupfs', () => {
  const ops = planSetupOps(input({ privileged: true }));
  assert.ok(!kinds(ops).includes('mask'));
  assert.ok(!kinds(ops).includes('readonly-path'));
  assert.deepEqual(ops.find((o) => o.kind === 'sysfs'), { kind: 'sysfs', target: `${R}/sys`, readonly: false, rbindFallback: false });
  assert.deepEqual(ops.find((o) => o.kind === 'cgroup2'), { kind: 'cgroup2', target: `${R}/sys/fs/cgroup`, readonly: false });
  // Everything else is the default plan.
  const masked = DEFAULT_PLAN.filter((o) => o.kind !== 'mask' && o.kind !== 'readonly-path' && o.kind !== 'sysfs' && o.kind !== 'cgroup2');
  assert.deepEqual(ops.filter((o) => o.kind !== 'sysfs' && o.kind !== 'cgroup2'), masked);
});

test('masks and read-only paths cover the defaults lists exactly', () => {
  const ops = planSetupOps(input());
  assert.deepEqual(ops.filter((o) => o.kind === 'mask').map((o) => (o as { target: string }).target),
    MASKED_PATHS.map((p) => R + p));
  assert.deepEqual(ops.filter((o) => o.kind === 'readonly-path').map((o) => (o as { target: string }).target),
    READONLY_PATHS.map((p) => R + p));
});

test('--read-only adds remount-ro of the rootfs right before pivot-root, after the masks', () => {
  const ops = planSetupOps(input({ readOnly: true }));
  assert.deepEqual(ops.slice(-2), [{ kind: 'remount-ro', target: R }, { kind: 'pivot-root', newRoot: R }]);
  assert.equal(ops.length, DEFAULT_PLAN.length + 1);
  assert.ok(!kinds(planSetupOps(input())).includes('remount-ro'));
});

test('--network host: sysfs falls back to an rbind of the host\'s /sys, and lo is left alone', () => {
  const hostOps = planSetupOps(input({ privateNetwork: false }));
  assert.ok(!kinds(hostOps).includes('loopback-up'));
  const sysfs = hostOps.find((o) => o.kind === 'sysfs');
  assert.deepEqual(sysfs, { kind: 'sysfs', target: `${R}/sys`, readonly: true, rbindFallback: true });
});

test('volumes come after the /etc files and before the masks, in order; tmpfs volumes carry root', () => {
  const ops = planSetupOps(input({
    mounts: [
      { type: 'bind', source: '/host/data', destination: '/data', readonly: true, file: false },
      { type: 'tmpfs', destination: '/run', options: 'mode=1777', flags: NOSUID | NODEV | NOEXEC },
      { type: 'bind', source: '/host/app.conf', destination: '/etc/app.conf', readonly: false, file: true },
    ],
  }));
  const resolv = ops.findIndex((o) => o.kind === 'bind' && o.target === '/etc/resolv.conf');
  assert.deepEqual(ops.slice(resolv + 1, resolv + 4), [
    { kind: 'bind', source: '/host/data', target: '/data', root: R, readonly: true, recursive: true, file: false },
    { kind: 'tmpfs', target: '/run', options: 'mode=1777', flags: NOSUID | NODEV | NOEXEC, root: R },
    { kind: 'bind', source: '/host/app.conf', target: '/etc/app.conf', root: R, readonly: false, recursive: true, file: true },
  ]);
  assert.equal(ops[resolv + 4]?.kind, 'mask');
});

test('the planner does not mutate its input', () => {
  const inp = input({ mounts: [{ type: 'bind', source: '/a', destination: '/b', readonly: false, file: false }] });
  const copy = structuredClone(inp);
  planSetupOps(inp);
  assert.deepEqual(inp, copy);
});
