// Just enough ELF (elf(5)) to tell whether a binary is statically linked: it is when no program header is
// PT_INTERP (no dynamic loader requested). Static-PIE binaries have PT_DYNAMIC but no PT_INTERP: static too.

export type ElfLinkage = 'static' | 'dynamic';

const PT_INTERP = 3;

/** 'static' | 'dynamic' for an ELF image in `buf` (at least its headers), undefined if it is not ELF. */
export function elfLinkage(buf: Uint8Array): ElfLinkage | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return undefined;
  const is64 = b[4] === 2;
  if (!is64 && b[4] !== 1) return undefined;
  const le = b[5] === 1;
  if (!le && b[5] !== 2) return undefined;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  if (is64 && b.length < 64) return undefined;
  const phoff = is64 ? u64(32) : u32(28);
  const phentsize = is64 ? u16(54) : u16(42);
  const phnum = is64 ? u16(56) : u16(44);
  if (phnum === 0) return 'static';
  if (phentsize < 4 || phoff + phentsize * phnum > b.length) return undefined;
  for (let i = 0; i < phnum; i++) {
    if (u32(phoff + i * phentsize) === PT_INTERP) return 'dynamic';
  }
  return 'static';
}
