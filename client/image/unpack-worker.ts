// Layer extraction worker: reads an uncompressed tar on stdin and unpacks it into argv[2] (created here), run as
// root of the user namespace (rootless) or as real root, so owners are kept. Prints one JSON line on stdout.
import { mkdirSync, writeSync } from 'node:fs';
import { UnpackSync, type ReadEntry } from 'tar';
import { applyEntryMeta, type EntryMeta } from './unpack-fixup.js';
import { entryKind, PathGuard, UnsafeEntryError } from './unpack-guard.js';
import type { UnpackResult } from './unpack-result.js';
import { parseWhiteout, type Whiteout, type WhiteoutFormat, type XattrPrefix } from './whiteout-parse.js';

process.title = 'myctr:[unpack]';

function reply(msg: UnpackResult, code: number): never {
  writeSync(1, `${JSON.stringify(msg)}\n`);
  process.exit(code);
}

function fail(err: unknown): never {
  if (err instanceof UnsafeEntryError) reply({ type: 'unpack-error', message: err.message, unsafe: true }, 2);
  const e = err as NodeJS.ErrnoException & { tarCode?: string };
  const detail = e.tarCode && e.tarCode !== e.code ? `${e.tarCode}: ${e.message}` : (e.message ?? String(err));
  reply({ type: 'unpack-error', message: detail, unsafe: false }, 2);
}

const dest = process.argv[2];
if (!dest) fail(new Error('usage: unpack-worker <dest-dir> [user|trusted] [chardev|xattr]'));
const xattrPrefix: XattrPrefix = process.argv[3] === 'trusted' ? 'trusted' : 'user';
const whiteoutFormat: WhiteoutFormat = process.argv[4] === 'xattr' ? 'xattr' : 'chardev';
const whiteouts: Whiteout[] = [];
process.umask(0);
try { mkdirSync(dest, { mode: 0o755 }); } catch (err) { fail(err); }

const guard = new PathGuard();
const metas = new Map<string, EntryMeta>();
const skipped: Record<string, number> = {};
let entries = 0;

function onEntry(entry: ReadEntry): boolean {
  const path = guard.check(entry);
  const kind = entryKind(entry.type);
  const wh = kind === 'file' || kind === 'hardlink' ? parseWhiteout(path) : undefined;
  if (wh) {
    whiteouts.push(wh);
    return false;
  }
  if (kind === undefined) {
    skipped[entry.type] = (skipped[entry.type] ?? 0) + 1;
    return false;
  }
  entries++;
  if (kind === 'hardlink') return true;
  metas.delete(path);
  metas.set(path, { kind, uid: entry.uid ?? 0, gid: entry.gid ?? 0, mode: entry.mode ?? (kind === 'dir' ? 0o755 : 0o644), mtime: entry.mtime });
  return true;
}

// preservePaths turns off tar's own path handling, which would strip `/` silently and refuse legitimate
// symlinks whose *targets* cross other symlinks (/lib64/ld… → /lib/… on usrmerge). PathGuard replaces it.
const unpack = new UnpackSync({
  cwd: dest,
  preservePaths: true,
  preserveOwner: false,
  noMtime: true,
  strict: true,
  dmode: 0o755,
  fmode: 0o644,
  brotli: false,
  filter: (_path, entry) => {
    try { return onEntry(entry as ReadEntry); } catch (err) { fail(err); }
  },
});
unpack.on('error', fail);

let first = true;
process.stdin.on('data', (chunk: Buffer) => {
  if (first) {
    first = false;
    if ((chunk[0] === 0x1f && chunk[1] === 0x8b) || chunk.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) {
      fail(new Error('the archive is compressed twice'));
    }
  }
  try { unpack.write(chunk); } catch (err) { fail(err); }
});
process.stdin.on('error', fail);
process.stdin.on('end', () => { void finish(); });

async function finish(): Promise<void> {
  try {
    unpack.end();
    // Loaded only when needed: it pulls in koffi (sys/xattr), which most layers never need.
    const wh = whiteouts.length
      ? (await import('./whiteouts.js')).applyWhiteouts(dest!, whiteouts, xattrPrefix, whiteoutFormat)
      : { whiteouts: 0, opaque: 0 };
    const fix = applyEntryMeta(dest!, metas);
    reply({
      type: 'unpack-done', entries, skipped, chownFailed: fix.chownFailed, whiteouts: wh.whiteouts + wh.opaque,
      ...(fix.chownExample ? { chownExample: fix.chownExample } : {}),
    }, 0);
  } catch (err) {
    fail(err);
  }
}
