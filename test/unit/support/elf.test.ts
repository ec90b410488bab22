// Unit tests for test/support/elf.ts on synthetic ELF images (no dependence on the host's binaries).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elfLinkage } from '../../support/elf.js';

const PT_LOAD = 1;
const PT_INTERP = 3;

/** Builds an ELF header followed by program headers with the given p_type values. */
function elf(opts: { bits: 32 | 64; le: boolean; types: number[]; phoff?: number }): Buffer {
  const is64 = opts.bits === 64;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phoff = opts.phoff ?? ehsize;
  const buf = Buffer.alloc(phoff + phentsize * opts.types.length);
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = is64 ? 2 : 1;
  buf[5] = opts.le ? 1 : 2;
  const w16 = (v: number, off: number) => (opts.le ? buf.writeUInt16LE(v, off) : buf.writeUInt16BE(v, off));
  const w32 = (v: number, off: number) => (opts.le ? buf.writeUInt32LE(v, off) : buf.writeUInt32BE(v, off));
  if (is64) {
    if (opts.le) buf.writeBigUInt64LE(BigInt(phoff), 0x20);
    else buf.writeBigUInt64BE(BigInt(phoff), 0x20);
    w16(phentsize, 0x36);
    w16(opts.types.length, 0x38);
  } else {
    w32(phoff, 0x1c);
    w16(phentsize, 0x2a);
    w16(opts.types.length, 0x2c);
  }
  opts.types.forEach((t, i) => w32(t, phoff + i * phentsize));
  return buf;
}

describe('elfLinkage', () => {
  for (const bits of [32, 64] as const) {
    for (const le of [true, false]) {
      const name = `${bits}-bit ${le ? 'LE' : 'BE'}`;
      it(`${name}: PT_INTERP means dynamic`, () => {
        assert.deepEqual(elfLinkage(elf({ bits, le, types: [PT_LOAD, PT_INTERP, PT_LOAD] })), { ok: true, static: false });
      });
      it(`${name}: no PT_INTERP means static`, () => {
        assert.deepEqual(elfLinkage(elf({ bits, le, types: [PT_LOAD, PT_LOAD] })), { ok: true, static: true });
      });
    }
  }

  it('finds program headers at a non-default offset', () => {
    assert.deepEqual(elfLinkage(elf({ bits: 64, le: true, types: [PT_INTERP], phoff: 200 })), { ok: true, static: false });
  });

  it('rejects non-ELF input and truncated program headers', () => {
    assert.equal(elfLinkage(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80, ' '))).ok, false);
    const cut = elf({ bits: 64, le: true, types: [PT_LOAD, PT_INTERP] }).subarray(0, 64 + 56);
    assert.deepEqual(elfLinkage(cut), { ok: false, reason: 'truncated program headers' });
  });
});
