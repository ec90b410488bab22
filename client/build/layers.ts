// Host side of build layers: runs LayerJobs in the layer worker (user + mount namespace when rootless, a
// mount namespace as root, so no overlay mount is ever visible on the host or outlives the worker), and puts
// a finished layer dir into the image store under its diff id.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ImageStore } from '../image/store.js';
import { isRoot } from '../paths.js';
import { currentUserIdMap } from '../runtime/idmap.js';
import { nodeEntryArgv } from '../runtime/node-entry.js';
import { spawnStage0, waitExit } from '../runtime/start/stage0.js';
import { BuildError } from './errors.js';
import type { ExtractJob, LayerJob, LayerReply } from './layer-worker.js';

export interface LayerResult { diffId: string; size: number; empty: boolean }

/**
 * The build's layer worker: started on first use, serves jobs one at a time (concurrent stages queue), and
 * exits when closed (stdin EOF) or with the CLI (setpriv --pdeathsig).
 */
export class LayerWorker {
  private queue: Promise<unknown> = Promise.resolve();
  private replies: ((line: string | null) => void)[] = [];
  private stderr = '';
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (l) => this.replies.shift()?.(l));
    child.stderr?.on('data', (b: Buffer) => { this.stderr = (this.stderr + b.toString()).slice(-4000); });
    child.once('exit', () => { this.exited = true; for (const r of this.replies.splice(0)) r(null); });
    // A worker that died makes writes fail with EPIPE: reported through `died()`, never as an uncaught error.
    child.stdin?.on('error', () => undefined);
  }

  static async start(): Promise<LayerWorker> {
    const rootless = !isRoot();
    const s0 = await spawnStage0({
      namespaces: rootless ? ['user', 'mount'] : ['mount'],
      argv: nodeEntryArgv(import.meta.url, './layer-worker.js'),
      ...(rootless ? { idMap: currentUserIdMap() } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MYCTR_WORKER_USERNS: rootless ? '1' : '0' },
      keepSync: false,
    });
    s0.sync.destroy();
    return new LayerWorker(s0.child);
  }

  async run(job: LayerJob): Promise<LayerResult> {
    const reply = await this.enqueue(job);
    if (reply.type !== 'layer-done') throw new BuildError(`layer worker: unexpected reply \`${reply.type}\``);
    return { diffId: reply.diffId, size: reply.size, empty: reply.empty };
  }

  /** Copies a path out of layers into `<job.dir>/data` (ExtractJob); returns that path and whether it is a file. */
  async extract(job: ExtractJob): Promise<{ path: string; file: boolean }> {
    const reply = await this.enqueue(job);
    if (reply.type !== 'extracted') throw new BuildError(`layer worker: unexpected reply \`${reply.type}\``);
    return { path: reply.path, file: reply.file };
  }

  private enqueue(job: LayerJob | ExtractJob): Promise<Exclude<LayerReply, { type: 'layer-error' }>> {
    const next = this.queue.then(() => this.exchange(job));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async exchange(job: LayerJob | ExtractJob): Promise<Exclude<LayerReply, { type: 'layer-error' }>> {
    if (this.exited) throw this.died();
    const line = await new Promise<string | null>((resolve) => {
      this.replies.push(resolve);
      this.child.stdin!.write(`${JSON.stringify(job)}\n`);
    });
    if (line === null) throw this.died();
    let reply: LayerReply;
    try { reply = JSON.parse(line) as LayerReply; } catch { throw new BuildError(`layer worker: unexpected output \`${line.slice(0, 100)}\``); }
    if (reply.type === 'layer-error') throw new BuildError(reply.message);
    return reply;
  }

  private died(): BuildError {
    const tail = this.stderr.trim().split('\n').slice(-3).join(' / ');
    return new BuildError(`layer worker died (${this.child.signalCode ?? `exit ${this.child.exitCode}`})${tail ? `: ${tail}` : ''}`);
  }

  async close(): Promise<void> {
    this.child.stdin?.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await waitExit(this.child);
    clearTimeout(t);
  }
}

/** Puts a finished build layer into the store (ImageStore.addLayer); its blob is the uncompressed tar the worker wrote. */
export async function placeLayer(store: ImageStore, tmpDir: string, layer: LayerResult): Promise<void> {
  await store.addLayer({ tmpDir, diffId: layer.diffId, size: layer.size, blob: { digest: layer.diffId, size: layer.size, compression: 'none' } });
}
