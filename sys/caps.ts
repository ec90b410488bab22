// Capability sets (capget/capset), the bounding and ambient sets (prctl) and capability name tables. Sets are
// 64-bit masks as bigint, bit n = capability n. All of this is per thread: call it on the main thread, the one
// that will execve.
import { check, isErrno } from './check.js';
import { CAPABILITIES, LINUX_CAPABILITY_VERSION_3, PR, PR_CAP_AMBIENT, capLastCap, type CapName } from './constants.js';
import * as libc from './libc.js';

export { capLastCap };

/** The three capability sets of the calling thread. */
export interface CapSets {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
}

const NAME_BY_NUMBER: ReadonlyMap<number, CapName> = new Map(
  (Object.entries(CAPABILITIES) as [CapName, number][]).map(([name, n]) => [n, name]),
);

function header(): Buffer {
  const hdr = Buffer.alloc(8); // struct __user_cap_header_struct { u32 version; int pid; }, pid 0 = self
  hdr.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
  return hdr;
}

/** prctl(2) with the unused arguments passed as 0, which several options require. */
function prctl(what: string, option: number, arg2: number, arg3 = 0): number {
  return check('prctl', what, libc.prctl(option, 'unsigned long', arg2, 'unsigned long', arg3,
    'unsigned long', 0, 'unsigned long', 0));
}

/** capget(2): the calling thread's effective, permitted and inheritable sets. */
export function capGet(): CapSets {
  // Version 3 data is two struct __user_cap_data_struct {u32 effective, permitted, inheritable}: low and
  // high 32 bits.
  const data = Buffer.alloc(24);
  check('capget', 'self', libc.capget(header(), data));
  const join = (off: number): bigint =>
    BigInt(data.readUInt32LE(off)) | (BigInt(data.readUInt32LE(off + 12)) << 32n);
  return { effective: join(0), permitted: join(4), inheritable: join(8) };
}

/**
 * capset(2) on the calling thread only (the kernel offers nothing else). The new effective set must be a
 * subset of the new permitted set, and permitted can only shrink.
 */
export function capSet(sets: CapSets): void {
  const data = Buffer.alloc(24);
  const put = (off: number, v: bigint): void => {
    data.writeUInt32LE(Number(v & 0xffffffffn), off);
    data.writeUInt32LE(Number((v >> 32n) & 0xffffffffn), off + 12);
  };
  put(0, sets.effective);
  put(4, sets.permitted);
  put(8, sets.inheritable);
  check('capset', `effective=${hex(sets.effective)} permitted=${hex(sets.permitted)} inheritable=${
    hex(sets.inheritable)}`, libc.capset(header(), data));
}

/**
 * Drops every capability 0..capLastCap() that is not in `keep` from the bounding set
 * (prctl PR_CAPBSET_DROP). Needs CAP_SETPCAP in the effective set, so it must run before capSet() drops it.
 */
export function dropBoundingExcept(keep: bigint): void {
  const last = capLastCap();
  for (let n = 0; n <= last; n++) {
    if ((keep >> BigInt(n)) & 1n) continue;
    prctl(`PR_CAPBSET_DROP ${NAME_BY_NUMBER.get(n) ?? n}`, PR.CAPBSET_DROP, n);
  }
}

/** Empties the ambient set (PR_CAP_AMBIENT_CLEAR_ALL); a kernel without ambient caps (EINVAL) has none. */
export function clearAmbient(): void {
  try {
    prctl('PR_CAP_AMBIENT_CLEAR_ALL', PR.CAP_AMBIENT, PR_CAP_AMBIENT.CLEAR_ALL);
  } catch (err) {
    if (!isErrno(err, 'EINVAL')) throw err;
  }
}

/** PR_SET_KEEPCAPS: whether permitted caps survive a switch of all uids away from 0. */
export function setKeepCaps(on: boolean): void {
  prctl('PR_SET_KEEPCAPS', PR.SET_KEEPCAPS, on ? 1 : 0);
}

/** PR_SET_NO_NEW_PRIVS: execve can no longer grant privileges (setuid bits, file caps). Irreversible. */
export function setNoNewPrivs(): void {
  prctl('PR_SET_NO_NEW_PRIVS', PR.SET_NO_NEW_PRIVS, 1);
}

/**
 * The mask of the named capabilities. Names are case-insensitive, with or without the `CAP_` prefix
 * ('chown', 'CAP_CHOWN'). Throws an Error naming the first unknown one.
 */
export function capMask(names: readonly string[]): bigint {
  let mask = 0n;
  for (const raw of names) {
    const upper = raw.trim().toUpperCase();
    const key = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    const n = (CAPABILITIES as Record<string, number | undefined>)[key];
    if (n === undefined) throw new Error(`unknown capability \`${raw}\` (expected a name like CAP_CHOWN or chown)`);
    mask |= 1n << BigInt(n);
  }
  return mask;
}

/** The `CAP_*` names of the bits set in `mask`, in bit order; bits with no known name come out as `CAP_<n>`. */
export function capNames(mask: bigint): string[] {
  const names: string[] = [];
  for (let n = 0; n < 64; n++) if ((mask >> BigInt(n)) & 1n) names.push(NAME_BY_NUMBER.get(n) ?? `CAP_${n}`);
  return names;
}

/** Every capability this kernel supports: bits 0..capLastCap(). */
export function allCapsMask(): bigint {
  return (1n << BigInt(capLastCap() + 1)) - 1n;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}
