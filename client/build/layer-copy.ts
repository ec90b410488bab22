// COPY/ADD/WORKDIR effects inside the layer worker, on the stage's merged overlay view: every destination is
// resolved with secureJoin (a symlink in the stage can never point a write outside it), files keep their
// modes and mtimes, owners are 0:0 unless --chown (resolved in the stage's own /etc/passwd and /etc/group).
import { closeSync, copyFileSync, createReadStream, openSync, readSync, lchownSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, chmodSync, writeFileSync, type Stats } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { posix } from 'node:path';
import { extract } from 'tar';
import { parseGroup, parsePasswd, resolveUser } from '../runtime/init/user.js';
import { secureJoin } from '../runtime/setup/secure-join.js';
import { createDecompressor, detectCompression, MAGIC_LEN } from '../image/decompress.js';
import { planCopy, type CopyEntry } from './copy-sources.js';

export interface CopyJob {
  /** Entries planned on the host (sources in the build context). */
  entries?: CopyEntry[];
  /** COPY --from: the source's layers and the raw sources; planned here against the mounted source. */
  from?: { layers: string[]; sources: string[]; dest: string };
  /** Heredoc files (`COPY <<EOF /dest`). */
  inline?: { dest: string; content: string }[];
  /** Directories to create (WORKDIR). */
  mkdirs?: string[];
  chown?: string;
  chmod?: string;
}

function lstatOrUndefined(p: string): Stats | undefined {
  try { return lstatSync(p); } catch { return undefined; }
}

/** `--chown` → numeric ids, with the stage's files; a lone user takes its primary group (Docker). */
function owner(spec: string | undefined, root: string): { uid: number; gid: number } {
  if (spec === undefined || spec === '') return { uid: 0, gid: 0 };
  const read = (p: string) => { try { return readFileSync(secureJoin(root, p), 'utf8'); } catch { return ''; } };
  const [user = '', group] = spec.split(':');
  if (/^\d+$/.test(user) && (group === undefined || /^\d+$/.test(group))) return { uid: Number(user), gid: Number(group ?? user) };
  const r = resolveUser(spec, parsePasswd(read('/etc/passwd')), parseGroup(read('/etc/group')));
  return { uid: r.uid, gid: r.gid };
}

/** mkdir -p of a container path in `root`; new directories get `ids` and 0755. Returns the host path. */
function mkdirp(root: string, path: string, ids: { uid: number; gid: number }): string {
  let cur = '/';
  for (const part of path.split('/').filter(Boolean)) {
    const next = posix.join(cur, part);
    const abs = secureJoin(root, next);
    const st = lstatOrUndefined(abs);
    if (!st) {
      mkdirSync(abs, { mode: 0o755 });
      lchownSync(abs, ids.uid, ids.gid);
    } else if (!st.isDirectory()) {
      throw new Error(`cannot create directory \`${next}\`: a file of that name exists`);
    }
    cur = posix.relative(root, abs) ? `/${posix.relative(root, abs)}` : '/';
  }
  return secureJoin(root, path);
}

export async function applyCopy(job: CopyJob, merged: string, src: string): Promise<void> {
  const ids = owner(job.chown, merged);
  const chmod = job.chmod !== undefined ? Number.parseInt(job.chmod, 8) : undefined;
  for (const d of job.mkdirs ?? []) mkdirp(merged, d, { uid: 0, gid: 0 });
  let entries = job.entries ?? [];
  if (job.from) {
    const dest = job.from.dest;
    entries = planCopy({ root: src, sources: job.from.sources, dest, destIsDir: (p) => lstatOrUndefined(secureJoin(merged, p))?.isDirectory() ?? false });
  }
  for (const f of job.inline ?? []) {
    const target = place(merged, f.dest, ids);
    rmSync(target, { force: true });
    writeFileSync(target, f.content, { mode: chmod ?? 0o644 });
    lchownSync(target, ids.uid, ids.gid);
  }
  for (const e of entries) {
    if (e.extract) { await extractArchive(e.src, mkdirp(merged, e.dest, ids)); continue; }
    const target = place(merged, e.dest, ids);
    const existing = lstatOrUndefined(target);
    if (e.type === 'dir' && e.top) {
      if (existing?.isDirectory()) continue;
      if (existing) rmSync(target, { force: true });
      mkdirSync(target, { mode: 0o755 });
      lchownSync(target, ids.uid, ids.gid);
      continue;
    }
    if (e.type === 'dir') {
      if (!existing?.isDirectory()) {
        if (existing) rmSync(target, { recursive: true, force: true });
        mkdirSync(target, { mode: 0o755 });
      }
      chmodSync(target, chmod ?? e.mode);
      lchownSync(target, ids.uid, ids.gid);
      utimesSync(target, e.mtimeMs / 1000, e.mtimeMs / 1000);
      continue;
    }
    if (existing?.isDirectory()) throw new Error(`cannot copy to \`${e.dest}\`: it is a directory`);
    if (existing) rmSync(target, { force: true });
    if (e.type === 'symlink') {
      symlinkSync(readlinkSync(e.src), target);
      lchownSync(target, ids.uid, ids.gid);
      continue;
    }
    copyFileSync(e.src, target);
    lchownSync(target, ids.uid, ids.gid);
    // chown clears setuid/setgid: the mode goes after it.
    chmodSync(target, chmod ?? e.mode);
    utimesSync(target, e.mtimeMs / 1000, e.mtimeMs / 1000);
  }
  // Directory mtimes change as children are added: set them again, deepest first.
  for (const e of [...entries].reverse()) {
    if (e.type !== 'dir' || e.top) continue;
    const target = secureJoin(merged, e.dest);
    if (lstatOrUndefined(target)?.isDirectory()) utimesSync(target, e.mtimeMs / 1000, e.mtimeMs / 1000);
  }
}

/** The host path for container path `dest`: its parent resolved (and created) inside `root`, the name as is. */
function place(root: string, dest: string, ids: { uid: number; gid: number }): string {
  const parent = mkdirp(root, posix.dirname(dest), ids);
  const base = posix.basename(dest);
  if (base === '' || base === '.' || base === '..') return parent;
  return posix.join(parent, base);
}

/** ADD of a local archive: decompress and unpack with node-tar, which refuses `..` and writes through symlinks. */
async function extractArchive(file: string, dir: string): Promise<void> {
  const head = Buffer.alloc(MAGIC_LEN);
  const fd = openSync(file, 'r');
  try { readSync(fd, head, 0, MAGIC_LEN, 0); } finally { closeSync(fd); }
  const d = await createDecompressor(detectCompression(head));
  await pipeline(createReadStream(file), d.stream, extract({ cwd: dir, preserveOwner: true, strict: true }));
  await d.done;
}
