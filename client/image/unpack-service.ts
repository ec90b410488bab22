// Where pull and load unpack layer blob files (unpack-file.ts). Real root: in this process (no Node start-up).
// Rootless: ONE unpack worker per command, started as root of a user namespace over the subordinate ids (owners
// are kept) as soon as the command knows it has layers to unpack, so its start-up overlaps the downloads; every
// layer of the command is a job sent to it (one JSON line each way), instead of a user namespace and a Node
// start-up per layer. Jobs run concurrently in the worker; the caller bounds how many (forEachLimited).
import type { ChildProcess } from 'node:child_process';
import { isRoot } from '../paths.js';
import { MyctrError } from '../runtime/errors.js';
import { nodeEntryArgv } from '../runtime/node-entry.js';
import { waitExit } from '../runtime/start/stage0.js';
import { spawnInUserns } from '../runtime/userns-run.js';
import { unpackFile, type UnpackFileJob, type UnpackFileResult } from './unpack-file.js';
import type { WhiteoutFormat, XattrPrefix } from './whiteout-parse.js';

export interface LayerUnpackService {
  run(job: UnpackFileJob): Promise<UnpackFileResult>;
  /** Lets the worker exit once its jobs are done (idempotent). */
  close(): Promise<void>;
}

export function whiteoutSettings(): { prefix: XattrPrefix; format: WhiteoutFormat } {
  return { prefix: isRoot() ? 'trusted' : 'user', format: process.env.MYCTR_WHITEOUT_FORMAT === 'xattr' ? 'xattr' : 'chardev' };
}

let umaskHolders = 0;
let savedUmask = 0;

/** Modes come from the archive: umask 0 while some in-process unpack runs (the store's own writes pass modes).
 *  Returns the release function (call it once). */
export function holdZeroUmask(): () => void {
  if (umaskHolders++ === 0) savedUmask = process.umask(0);
  let released = false;
  return () => { if (!released) { released = true; if (--umaskHolders === 0) process.umask(savedUmask); } };
}

async function withZeroUmask<T>(fn: () => Promise<T>): Promise<T> {
  const release = holdZeroUmask();
  try { return await fn(); } finally { release(); }
}

/**
 * The service for this command. Real root: in this thread (no user namespace is needed; worker threads were
 * measured slower: each one's start-up and module loading cost more than the parallel unpacking saved on the
 * 2-CPU reference machine). Rootless (or MYCTR_UNPACK_WORKER=1): the one unpack worker process.
 */
export function startUnpackService(): LayerUnpackService {
  const { prefix, format } = whiteoutSettings();
  if (isRoot() && process.env.MYCTR_UNPACK_WORKER !== '1') {
    return { run: (job) => withZeroUmask(() => unpackFile(job, prefix, format)), close: async () => {} };
  }
  return new WorkerService(prefix, format);
}

interface Pending { resolve(r: UnpackFileResult): void; label: string }

class WorkerService implements LayerUnpackService {
  private readonly started: Promise<ChildProcess>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  private closed = false;

  constructor(prefix: XattrPrefix, format: WhiteoutFormat) {
    this.started = spawnInUserns({
      argv: [...nodeEntryArgv(import.meta.url, './unpack-worker.js'), '--serve', prefix, format],
      stdio: ['pipe', 'pipe', 'pipe'],
    }).then((child) => { this.attach(child); return child; });
    this.started.catch(() => {});
  }

  async run(job: UnpackFileJob): Promise<UnpackFileResult> {
    const child = await this.started;
    const id = this.nextId++;
    const result = new Promise<UnpackFileResult>((resolve) => this.pending.set(id, { resolve, label: job.label }));
    if (child.exitCode !== null || child.signalCode !== null) this.failAll(child.exitCode, child.signalCode);
    else child.stdin!.write(`${JSON.stringify({ id, job })}\n`);
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let child: ChildProcess;
    try { child = await this.started; } catch { return; }
    child.stdin!.end();
    await this.exited;
  }

  private attach(child: ChildProcess): void {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      buf += s;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.onReply(line);
      }
    });
    child.stderr!.on('data', (b: Buffer) => { this.stderr = (this.stderr + b.toString()).slice(-4000); });
    child.stdin!.on('error', () => {}); // a dead worker is reported through its exit
    this.exited = waitExit(child).then((r) => { this.failAll(r.code, r.signal); return r; });
  }

  private onReply(line: string): void {
    let msg: { id?: unknown; result?: UnpackFileResult };
    try { msg = JSON.parse(line) as typeof msg; } catch { return; }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p || typeof msg.result !== 'object' || msg.result === null) return;
    this.pending.delete(msg.id as number);
    p.resolve(msg.result);
  }

  /** The worker is gone: every job still waiting fails with what it printed. */
  private failAll(code: number | null, signal: NodeJS.Signals | null): void {
    const tail = this.stderr.trim().split('\n').slice(-3).join(' / ');
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ ok: false, code: 'MYCTR_IMAGE', message: `${p.label}: unpack worker failed (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}` });
    }
  }
}

/** Turns a failed result into the error to throw. */
export function unpackFailure(r: Extract<UnpackFileResult, { ok: false }>): MyctrError {
  return new MyctrError(r.code, r.message, r.hint ? { hint: r.hint } : {});
}
