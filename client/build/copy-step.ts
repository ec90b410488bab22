// COPY/ADD on the host side: substitute the instruction's words, find the sources (context, heredocs, a URL
// for ADD, or another stage/image for --from), compute the cache key part, and describe the worker's job.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { detectCompression } from '../image/decompress.js';
import { hashEntries, planCopy, SourceError, type CopyEntry } from './copy-sources.js';
import { BuildError, DockerfileSyntaxError } from './errors.js';
import type { IgnoreMatcher } from './ignore.js';
import type { Instruction } from './instructions.js';
import type { CopyJob } from './layer-copy.js';
import { statInLowers } from './layer-prune.js';
import { expand, type StageState } from './stage-state.js';

export type CopyInstruction = Extract<Instruction, { kind: 'copy' | 'add' }>;

export interface CopySource {
  /** Another stage's or image's layers (COPY --from), with a key identifying their content. */
  from?: { layers: string[]; key: string; label: string };
  contextDir: string | undefined;
  ignore: IgnoreMatcher;
  tmpRoot: string;
}

export interface PlannedCopy { job: CopyJob; keyParts: unknown[]; history: string; cleanup: string[] }

function isArchive(abs: string): boolean {
  const head = Buffer.alloc(512);
  const fd = openSync(abs, 'r');
  let n: number;
  try { n = readSync(fd, head, 0, 512, 0); } finally { closeSync(fd); }
  const b = head.subarray(0, n);
  return detectCompression(b) !== 'none' || (n >= 262 && b.subarray(257, 262).toString() === 'ustar');
}

export async function planCopyStep(ins: CopyInstruction, state: StageState, lowers: string[], src: CopySource): Promise<PlannedCopy> {
  const heredocs = new Map(ins.heredocs.map((h) => [`<<${h.name}`, h]));
  const isHeredoc = (s: string) => /^<<-?["']?/.test(s) && heredocs.has(`<<${s.replace(/^<<-?["']?|["']$/g, '')}`);
  const sources = ins.sources.filter((s) => !isHeredoc(s)).map((s) => expand(state, ins, s)[0]!);
  const rawDest = expand(state, ins, ins.dest)[0]!;
  let dest = posix.resolve(state.config.WorkingDir || '/', rawDest);
  if (rawDest.endsWith('/') || rawDest.endsWith('/.') || rawDest === '.') dest = dest === '/' ? '/' : `${dest}/`;
  const chown = ins.flags.chown !== undefined ? expand(state, ins, ins.flags.chown)[0]! : undefined;
  const base: CopyJob = { ...(chown !== undefined ? { chown } : {}), ...(ins.flags.chmod !== undefined ? { chmod: ins.flags.chmod } : {}) };
  const inline = ins.sources.filter(isHeredoc).map((s) => {
    const h = heredocs.get(`<<${s.replace(/^<<-?["']?|["']$/g, '')}`)!;
    return { dest: dest.endsWith('/') ? posix.join(dest, h.name) : dest, content: h.expand ? expand(state, ins, h.content)[0]! : h.content };
  });
  const flagText = [ins.flags.from !== undefined ? `--from=${ins.flags.from}` : '', chown !== undefined ? `--chown=${chown}` : '', ins.flags.chmod !== undefined ? `--chmod=${ins.flags.chmod}` : ''].filter(Boolean).join(' ');
  const history = `${ins.kind.toUpperCase()} ${flagText ? `${flagText} ` : ''}${[...sources, ...inline.map((i) => `<<heredoc`)].join(' ')} ${dest}`;
  const destIsDir = (p: string) => statInLowers(lowers, p)?.isDirectory() ?? false;
  if (src.from) {
    return { job: { ...base, inline, from: { layers: src.from.layers, sources, dest } }, keyParts: [ins.kind, 'from', src.from.key, sources, dest, chown, ins.flags.chmod, inline], history, cleanup: [] };
  }
  const entries: CopyEntry[] = [];
  const cleanup: string[] = [];
  const local: string[] = [];
  for (const s of sources) {
    if (ins.kind === 'add' && /^https?:\/\//.test(s)) {
      const dir = mkdtempSync(join(src.tmpRoot, 'build-add-'));
      cleanup.push(dir);
      entries.push(await download(s, ins, dir, dest));
    } else {
      local.push(s);
    }
  }
  if (local.length > 0) {
    if (!src.contextDir) throw new BuildError(`${ins.pos.file}:${ins.pos.line}: ${ins.kind.toUpperCase()} needs a build context, but the Containerfile came from stdin`, { hint: 'give a context directory, or a tar of it on stdin' });
    try {
      entries.push(...planCopy({ root: src.contextDir, sources: local, dest: sources.length > 1 && !dest.endsWith('/') ? `${dest}/` : dest, ignore: src.ignore, destIsDir, ...(ins.kind === 'add' ? { isArchive } : {}) }));
    } catch (err) {
      if (err instanceof SourceError) throw new DockerfileSyntaxError(ins.pos, err.message, ins.original, 'paths are relative to the build context; check .containerignore/.dockerignore too');
      throw err;
    }
  }
  if (sources.length > 1 && !dest.endsWith('/')) {
    throw new DockerfileSyntaxError(ins.pos, 'when using COPY with more than one source file, the destination must be a directory and end with a /', ins.original);
  }
  return { job: { ...base, inline, entries }, keyParts: [ins.kind, hashEntries(entries), dest, chown, ins.flags.chmod, inline], history, cleanup };
}

/** ADD <url>: fetched into `dir`, verified against --checksum, mode 0600 as Docker gives it. */
async function download(url: string, ins: CopyInstruction, dir: string, dest: string): Promise<CopyEntry> {
  let body: Buffer;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new BuildError(`${ins.pos.file}:${ins.pos.line}: ADD ${url}: ${(err as Error).message}`, { hint: 'check the URL and the network' });
  }
  if (ins.checksum !== undefined) {
    const got = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (got !== ins.checksum) throw new BuildError(`${ins.pos.file}:${ins.pos.line}: ADD ${url}: checksum mismatch: expected ${ins.checksum}, got ${got}`);
  }
  const name = posix.basename(new URL(url).pathname) || 'index.html';
  const file = join(dir, name);
  writeFileSync(file, body, { mode: 0o600 });
  return { src: file, dest: dest.endsWith('/') ? posix.join(dest, name) : dest, type: 'file', mode: 0o600, mtimeMs: Date.now() };
}
