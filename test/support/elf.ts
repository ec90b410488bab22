// Minimal ELF reader for the busyboxStatic probe: is a binary statically linked (no PT_INTERP program
// header)? Reads the program headers directly instead of parsing `file(1)` output, whose wording varies.
import { closeSync, openSync, readSync } from 'node:fs';

/** elf(5): p_type of the program header that names the dynamic loader. */
const PT_INTERP = 3;
/** elf(5): e_phnum value meaning "the real count is in section header 0"; never used by executables. */
const PN_XNUM = 0xffff;

export type ElfLinkage = { ok: true; static: boolean } | { ok: false; reason: string };

interface ElfLayout {
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly le: boolean;
}

function layoutOf(buf: Buffer): ElfLayout | string {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF file';
  const elfClass = buf[4];
  const data = buf[5];
  if (data !== 1 && data !== 2) return `unknown ELF data encoding ${String(data)}`;
  const le = data === 1;
  const u16 = (off: number): number => (le ? buf.readUInt16LE(off) : buf.readUInt16BE(off));
  const u32 = (off: number): number => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  if (elfClass === 1) return { phoff: u32(0x1c), phentsize: u16(0x2a), phnum: u16(0x2c), le };
  if (elfClass === 2) {
    if (buf.length < 64) return 'truncated ELF header';
    const phoff = le ? buf.readBigUInt64LE(0x20) : buf.readBigUInt64BE(0x20);
    if (phoff > BigInt(Number.MAX_SAFE_INTEGER)) return 'program header offset out of range';
    return { phoff: Number(phoff), phentsize: u16(0x36), phnum: u16(0x38), le };
  }
  return `unknown ELF class ${String(elfClass)}`;
}

function phdrEnd(l: ElfLayout): number {
  return l.phoff + l.phentsize * l.phnum;
}

/** Decides static vs dynamic from a buffer holding the ELF header and all program headers. */
export function elfLinkage(buf: Buffer): ElfLinkage {
  const layout = layoutOf(buf);
  if (typeof layout === 'string') return { ok: false, reason: layout };
  if (layout.phnum === PN_XNUM) return { ok: false, reason: 'extended program header count (PN_XNUM) unsupported' };
  if (layout.phnum > 0 && layout.phentsize < 4) return { ok: false, reason: `bad e_phentsize ${layout.phentsize}` };
  if (phdrEnd(layout) > buf.length) return { ok: false, reason: 'truncated program headers' };
  for (let i = 0; i < layout.phnum; i++) {
    const off = layout.phoff + i * layout.phentsize;
    const type = layout.le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
    if (type === PT_INTERP) return { ok: true, static: false };
  }
  return { ok: true, static: true };
}

/** Reads just enough of `path` (header + program headers) to call elfLinkage. Throws on I/O errors. */
export function readElfLinkage(path: string): ElfLinkage {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const buf = head.subarray(0, n);
    const layout = layoutOf(buf);
    if (typeof layout === 'string' || phdrEnd(layout) <= n) return elfLinkage(buf);
    if (phdrEnd(layout) > 1 << 20) return { ok: false, reason: 'program headers extend past 1 MiB' };
    const full = Buffer.alloc(phdrEnd(layout));
    const m = readSync(fd, full, 0, full.length, 0);
    return elfLinkage(full.subarray(0, m));
  } finally {
    closeSync(fd);
  }
}
