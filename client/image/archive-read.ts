// Reads an outer image archive (myctr, OCI layout, docker save) into a private tmp dir without ever creating a
// path from the archive: each regular file is written as `<n>` and indexed by its normalized name; symlinks are
// resolved inside the index only (docker save links duplicate layers). Everything else is refused.
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { MyctrError } from '../runtime/errors.js';
import { createDecompressor, detectCompression, MAGIC_LEN } from './decompress.js';
import { maxLayerBytes } from './layer-unpack.js';
import { peek } from './peek.js';
import { normalizeEntryPath } from './unpack-guard.js';

export interface ArchiveIndex {
  dir: string;
  /** Normalized member path → file in `dir`. */
  files: Map<string, string>;
  has(path: string): boolean;
  /** The file for a member path (symlinks followed inside the archive), or a MYCTR_IMAGE error. */
  file(path: string): string;
}

const HINT = 'the archive is malformed or hostile; nothing was loaded';

function bad(why: string): MyctrError {
  return new MyctrError('MYCTR_IMAGE', `load: ${why}`, { hint: HINT });
}

/** Extracts `input` (a tar, possibly compressed) into `dir` (created, must be new). */
export async function readArchive(input: Readable, dir: string): Promise<ArchiveIndex> {
  mkdirSync(dir, { mode: 0o700 });
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  const limit = maxLayerBytes() * 4;
  let total = 0;
  let n = 0;
  let failure: Error | undefined;
  const pending: Promise<void>[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      if (failure) { entry.resume(); return; }
      const norm = normalizeEntryPath(entry.path);
      if ('error' in norm) { failure = bad(`member \`${entry.path}\`: ${norm.error}`); entry.resume(); return; }
      const p = norm.path;
      if (entry.type === 'Directory') { entry.resume(); return; }
      if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        const target = entry.type === 'Link' ? entry.linkpath ?? '' : posix.join(posix.dirname(p), entry.linkpath ?? '');
        const t = normalizeEntryPath(target);
        if ('error' in t || (entry.linkpath ?? '').startsWith('/')) { failure = bad(`member \`${entry.path}\` links outside the archive`); entry.resume(); return; }
        links.set(p, t.path);
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        failure = bad(`member \`${entry.path}\` has unexpected type ${entry.type}`);
        entry.resume();
        return;
      }
      total += entry.size ?? 0;
      if (total > limit) { failure = bad(`archive members exceed the size limit of ${limit} bytes`); entry.resume(); return; }
      const out = join(dir, String(n++));
      files.set(p, out);
      pending.push(pipeline(entry, createWriteStream(out, { mode: 0o600 })));
    },
  });
  parser.on('warn', (code: string, message: string) => { failure ??= bad(`${code}: ${message}`); });
  const { head, rest } = await peek(input, MAGIC_LEN);
  const dec = await createDecompressor(detectCompression(head));
  try {
    await pipeline(rest, dec.stream, parser);
    await dec.done;
    await Promise.all(pending);
  } catch (err) {
    if (err instanceof MyctrError) throw err;
    throw bad(`read archive: ${(err as Error).message}`);
  }
  if (failure) throw failure;
  if (files.size === 0) throw bad('the archive is empty or not a tar');
  const resolve = (path: string): string => {
    let p = path;
    for (let i = 0; i < 16; i++) {
      const f = files.get(p);
      if (f) return f;
      const next = links.get(p);
      if (next === undefined) break;
      p = next;
    }
    throw bad(`member \`${path}\` is missing`);
  };
  return {
    dir, files,
    has: (p) => files.has(p) || links.has(p),
    file: resolve,
  };
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
