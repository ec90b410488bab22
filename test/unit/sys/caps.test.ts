// Capability masks and names in-process; the set-changing calls in a user-namespace child (caps are per
// thread and a dropped bounding cap never comes back, so the runner must not do it to itself).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allCapsMask, capGet, capMask, capNames } from '../../../sys/caps.js';
import { capLastCap } from '../../../sys/constants.js';
import { requireProbe, resultOf, runFixture, usernsAvailable } from './helpers.js';

/** A hex capability field (CapEff, ...) of /proc/self/status, the main thread's. */
function statusHex(name: string): bigint {
  const m = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  assert.ok(m, `${name} in /proc/self/status`);
  return BigInt(`0x${m[1]}`);
}

test('capMask accepts names with or without CAP_, in any case', () => {
  assert.equal(capMask([]), 0n);
  assert.equal(capMask(['CHOWN']), 1n);
  assert.equal(capMask(['cap_chown', 'Kill', ' CAP_SYS_ADMIN ']), 1n | (1n << 5n) | (1n << 21n));
  assert.equal(capMask(['checkpoint_restore']), 1n << 40n);
});

test('capMask rejects unknown names', () => {
  assert.throws(() => capMask(['CHOWN', 'CAP_FLY']), { message: /unknown capability `CAP_FLY`/ });
  assert.throws(() => capMask(['']), { message: /unknown capability/ });
});

test('capNames is the inverse of capMask', () => {
  const names = ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN', 'CAP_BPF'];
  assert.deepEqual(capNames(capMask(names)), names);
  assert.deepEqual(capNames(1n << 50n), ['CAP_50']);
  assert.equal(capNames(allCapsMask()).length, capLastCap() + 1);
});

test('allCapsMask covers 0..capLastCap()', () => {
  assert.equal(allCapsMask(), (1n << BigInt(capLastCap() + 1)) - 1n);
});

test('capGet matches /proc/self/status of the main thread', () => {
  const sets = capGet();
  assert.equal(sets.effective, statusHex('CapEff'));
  assert.equal(sets.permitted, statusHex('CapPrm'));
  assert.equal(sets.inheritable, statusHex('CapInh'));
});

test('bounding drop, capSet, ambient and no_new_privs in a user namespace', (t) => {
  if (!requireProbe(t, usernsAvailable())) return;
  const r = resultOf(runFixture('caps', [], { userns: true }));
  const keep = (1n << 0n) | (1n << 5n) | (1n << 8n); // CHOWN, KILL, SETPCAP
  assert.deepEqual(r.drop, { ok: true, value: null });
  assert.equal(BigInt(`0x${r.capBnd as string}`), keep);
  assert.deepEqual(r.set, { ok: true, value: null });
  assert.deepEqual(r.after, { effective: '1', permitted: keep.toString(), inheritable: '0' });
  assert.equal(BigInt(`0x${r.capEff as string}`), 1n);
  assert.equal(BigInt(`0x${r.capPrm as string}`), keep);
  assert.match((r.raise as { message: string }).message,
    /^capset effective=0x200000 .*: EPERM \(operation not permitted\)$/);
  assert.deepEqual(r.clearAmbient, { ok: true, value: null });
  assert.equal(r.capAmb, '0000000000000000');
  assert.equal(r.nnpBefore, '0');
  assert.equal(r.nnpAfter, '1');
});
