// A tiny ustar writer for archives we synthesize (the busybox rootfs, test fixtures): entries are given with
// explicit owners, modes and times, nothing is read from the host. Headers come from tar's Header class.
import { Header } from 'tar';

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char-device' | 'fifo';
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  data?: Uint8Array | string;
  /** Target of a symlink (verbatim) or a hardlink (an earlier entry's path). */
  linkpath?: string;
  devmajor?: number;
  devminor?: number;
}

const TYPE = {
  file: 'File', dir: 'Directory', symlink: 'SymbolicLink', hardlink: 'Link', 'char-device': 'CharacterDevice', fifo: 'FIFO',
} as const;

const BLOCK = 512;

function pad(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

/** The header block plus the padded data of one entry. */
export function encodeTarEntry(e: TarEntry): Buffer[] {
  const data = e.type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0);
  const path = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
  const h = new Header({
    path,
    type: TYPE[e.type],
    mode: e.mode ?? (e.type === 'dir' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644),
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    size: data.length,
    mtime: e.mtime ?? new Date(0),
    uname: '',
    gname: '',
    devmaj: e.devmajor ?? 0,
    devmin: e.devminor ?? 0,
    ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}),
  });
  const block = Buffer.alloc(BLOCK);
  if (h.encode(block, 0)) throw new Error(`tar entry \`${e.path}\` needs a pax header (path or link too long)`);
  return [block, data, Buffer.alloc(pad(data.length))];
}

/** A complete archive (entries + the two zero blocks that end it). */
export function buildTar(entries: readonly TarEntry[]): Buffer {
  return Buffer.concat([...entries.flatMap(encodeTarEntry), Buffer.alloc(2 * BLOCK)]);
}
