// The deterministic tar of a layer directory (an overlay upper dir), as the diff id is defined over it:
// entries in byte order, parents first, owners as numbers, no user/group names, mtimes kept, hard links as
// links; overlay whiteouts (0/0 char devices, `<p>.overlay.whiteout` files) become `.wh.<name>` and opaque
// directories get `.wh..wh..opq`. Runs as root of the user namespace so that every file is readable. The
// stream is also written out as the layer's blob (what save and push send).
import { createHash, type Hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Header, Pax, type HeaderData } from 'tar';
import { getXattr } from '../../sys/xattr.js';

export interface LayerDigest {
  diffId: string;
  /** Bytes of the tar stream. */
  size: number;
  /** True when the directory holds nothing (the step changed no file). */
  empty: boolean;
}

const BLOCK = 512;
const XATTR_PREFIXES = ['user', 'trusted'] as const;

interface TarState { size: number; hash: Hash; out: number | undefined }

/** Hashes the tar stream of `dir`, writing it to the file `blobFile` too when given. */
export function digestLayerDir(dir: string, blobFile?: string): LayerDigest {
  const out = blobFile !== undefined ? openSync(blobFile, 'wx', 0o600) : undefined;
  try {
    return digest(dir, out);
  } finally {
    if (out !== undefined) closeSync(out);
  }
}

function put(state: TarState, buf: Buffer): void {
  state.hash.update(buf);
  state.size += buf.length;
  if (state.out !== undefined) writeSync(state.out, buf);
}

function digest(dir: string, out: number | undefined): LayerDigest {
  const hash = createHash('sha256');
  const state: TarState & { links: Map<string, string> } = { size: 0, links: new Map<string, string>(), hash, out };
  let count = 0;
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort(byteOrder)) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = lstatSync(childAbs);
      count++;
      if (isWhiteout(childAbs, st)) {
        emit(state, { path: rel ? `${rel}/.wh.${name}` : `.wh.${name}`, type: 'File', st, size: 0 });
        continue;
      }
      if (st.isDirectory()) {
        emit(state, { path: `${childRel}/`, type: 'Directory', st, size: 0 });
        if (isOpaque(childAbs)) emit(state, { path: `${childRel}/.wh..wh..opq`, type: 'File', st, size: 0 });
        walk(childAbs, childRel);
      } else if (st.isSymbolicLink()) {
        emit(state, { path: childRel, type: 'SymbolicLink', st, size: 0, linkpath: readlinkSync(childAbs) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? state.links.get(key) : undefined;
        if (first !== undefined) {
          emit(state, { path: childRel, type: 'Link', st, size: 0, linkpath: first });
        } else {
          if (st.nlink > 1) state.links.set(key, childRel);
          emit(state, { path: childRel, type: 'File', st, size: st.size });
          appendFile(state, childAbs, st.size);
        }
      } else if (st.isFIFO()) {
        emit(state, { path: childRel, type: 'FIFO', st, size: 0 });
      }
      // Sockets and device nodes (other than whiteouts) cannot be part of a layer; Docker drops them too.
    }
  };
  walk(dir, '');
  put(state, Buffer.alloc(2 * BLOCK));
  return { diffId: `sha256:${hash.digest('hex')}`, size: state.size, empty: count === 0 };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isWhiteout(abs: string, st: Stats): boolean {
  if (st.isCharacterDevice()) return st.rdev === 0;
  if (!st.isFile() || st.size !== 0) return false;
  return XATTR_PREFIXES.some((p) => getXattr(abs, `${p}.overlay.whiteout`) !== undefined);
}

function isOpaque(abs: string): boolean {
  // `x` marks a dir holding xattr whiteouts, not an opaque one (overlayfs.rst, "whiteouts and opaque directories").
  return XATTR_PREFIXES.some((p) => getXattr(abs, `${p}.overlay.opaque`) === 'y');
}

interface EmitEntry { path: string; type: NonNullable<HeaderData['type']>; st: Stats; size: number; linkpath?: string }

function emit(state: TarState, e: EmitEntry): void {
  const fields: HeaderData = {
    path: e.path, type: e.type, size: e.size, uid: e.st.uid, gid: e.st.gid, uname: '', gname: '',
    mode: e.type === 'SymbolicLink' ? 0o777 : e.st.mode & 0o7777, mtime: new Date(Math.floor(e.st.mtimeMs / 1000) * 1000),
    ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}),
  };
  const block = Buffer.alloc(BLOCK);
  const h = new Header(fields);
  if (h.encode(block, 0)) {
    // Long path or link target: a pax extended header carries it (what `tar --format=pax` writes).
    const pax = new Pax({ path: e.path, ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}) }).encode();
    put(state, pax);
    new Header(fields).encode(block, 0);
  }
  put(state, block);
}

function appendFile(state: TarState, abs: string, size: number): void {
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(abs, 'r');
  try {
    let left = size;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), null);
      if (n === 0) break;
      put(state, buf.subarray(0, n));
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
  put(state, Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK));
}
