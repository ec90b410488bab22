// The static-ELF check on crafted headers (32/64-bit, LE/BE, with and without PT_INTERP) and on host binaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { elfLinkage } from '../../../client/image/elf.js';

const PT_LOAD = 1;
const PT_INTERP = 3;
const PT_DYNAMIC = 2;

/** A minimal ELF header + program headers of the given types. */
function craftElf(opts: { is64: boolean; le: boolean; types: number[] }): Buffer {
  const ehsize = opts.is64 ? 64 : 52;
  const phentsize = opts.is64 ? 56 : 32;
  const b = Buffer.alloc(ehsize + phentsize * opts.types.length);
  b.set([0x7f, 0x45, 0x4c, 0x46, opts.is64 ? 2 : 1, opts.le ? 1 : 2, 1], 0);
  const w16 = (o: number, v: number) => (opts.le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (o: number, v: number) => (opts.le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  w16(16, 2); // ET_EXEC
  if (opts.is64) {
    if (opts.le) b.writeBigUInt64LE(BigInt(ehsize), 32); else b.writeBigUInt64BE(BigInt(ehsize), 32);
    w16(54, phentsize);
    w16(56, opts.types.length);
  } else {
    w32(28, ehsize);
    w16(42, phentsize);
    w16(44, opts.types.length);
  }
  opts.types.forEach((t, i) => w32(ehsize + i * phentsize, t));
  return b;
}

test('no PT_INTERP is static, PT_INTERP is dynamic, for every class and byte order', () => {
  for (const is64 of [true, false]) {
    for (const le of [true, false]) {
      const what = `${is64 ? 64 : 32}-bit ${le ? 'LE' : 'BE'}`;
      assert.equal(elfLinkage(craftElf({ is64, le, types: [PT_LOAD, PT_LOAD] })), 'static', what);
      assert.equal(elfLinkage(craftElf({ is64, le, types: [PT_LOAD, PT_DYNAMIC] })), 'static', `${what} static-pie`);
      assert.equal(elfLinkage(craftElf({ is64, le, types: [PT_LOAD, PT_INTERP, PT_DYNAMIC] })), 'dynamic', what);
    }
  }
});

test('non-ELF and truncated input are not ELF', () => {
  assert.equal(elfLinkage(Buffer.from('#!/bin/sh\necho hi\n'.repeat(5))), undefined);
  assert.equal(elfLinkage(Buffer.alloc(10)), undefined);
  const cut = craftElf({ is64: true, le: true, types: [PT_LOAD, PT_INTERP] }).subarray(0, 80);
  assert.equal(elfLinkage(cut), undefined);
});

test('host binaries: busybox-static is static, /bin/ls is dynamic', (t) => {
  if (!existsSync('/bin/busybox') || !existsSync('/bin/ls')) { t.skip('needs /bin/busybox and /bin/ls'); return; }
  assert.equal(elfLinkage(readFileSync('/bin/ls')), 'dynamic');
  // Debian's `busybox` package (dynamic) and `busybox-static` share the path; only assert what we see.
  assert.ok(elfLinkage(readFileSync('/bin/busybox')) !== undefined);
});
