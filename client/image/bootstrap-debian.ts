// `myctr bootstrap debian[:suite]` (or ubuntu:<suite>): a minbase rootfs from mmdebstrap, whose tar on stdout goes
// straight into the import path (unshare mode rootless: it maps the subordinate range itself). Without mmdebstrap,
// root can use debootstrap into a store tmp dir + tar. The mmdebstrap status lines are the progress display.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { isRoot } from '../paths.js';
import { MissingToolError, MyctrError } from '../runtime/errors.js';
import { waitExit } from '../runtime/start/stage0.js';
import { removeTree } from '../runtime/userns-run.js';
import { DEFAULT_PATH, type ImageConfig } from './config.js';
import { importTarStream, type ImportResult } from './import.js';
import { formatSize } from './format.js';
import { createProgress, type ProgressLine } from './progress.js';
import type { ImageStore } from './store.js';

export const DEBIAN_CONFIG: ImageConfig = { Env: [DEFAULT_PATH], Cmd: ['bash'] };
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

export interface BootstrapDebianOptions {
  distro: 'debian' | 'ubuntu';
  /** Suite or codename (`bookworm`, `stable`, `jammy`). */
  suite: string;
  /** Image name; default `<distro>:<suite>`. */
  name?: string;
  /** Where status lines go (default stderr): one updating line on a TTY, the tool's lines otherwise. */
  output?: NodeJS.WriteStream;
}

/** Finds an executable on $PATH (plus the sbin dirs debootstrap lives in). */
export function findTool(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter), '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    try { accessSync(join(dir, name), constants.X_OK); return join(dir, name); } catch { /* next */ }
  }
  return undefined;
}

/** The Debian mirror URI of the host's apt sources (one-line or deb822), if it has one that is not a snapshot. */
export function debianMirrorFrom(sources: readonly string[]): string | undefined {
  for (const text of sources) {
    for (const m of text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)|^\s*URIs:\s*(.+)$/gim)) {
      for (const uri of (m[1] ?? m[2] ?? '').split(/\s+/)) {
        if (/^https?:\/\/[^\s]+\/debian\/?$/.test(uri) && !uri.includes('snapshot')) return uri.replace(/\/$/, '');
      }
    }
  }
  return undefined;
}

function hostSources(): string[] {
  const out: string[] = [];
  const read = (p: string) => { try { out.push(readFileSync(p, 'utf8')); } catch { /* absent */ } };
  read('/etc/apt/sources.list');
  try {
    for (const f of readdirSync('/etc/apt/sources.list.d').sort()) {
      if (f.endsWith('.list') || f.endsWith('.sources')) read(join('/etc/apt/sources.list.d', f));
    }
  } catch { /* absent */ }
  return out;
}

/** mmdebstrap's argv. A mirror is passed only when the host uses a non-default one (the default adds updates
 *  and security suites by itself). */
export function mmdebstrapArgs(suite: string, mode: 'unshare' | 'root', mirror?: string): string[] {
  const args = ['--variant=minbase', `--mode=${mode}`, '--format=tar', suite, '-'];
  if (mirror && mirror !== DEFAULT_DEBIAN_MIRROR) args.push(mirror);
  return args;
}

export async function bootstrapDebian(store: ImageStore, opts: BootstrapDebianOptions): Promise<ImportResult> {
  const out = opts.output ?? process.stderr;
  const status = createProgress(`bootstrap ${opts.distro}:${opts.suite}`, { stream: out });
  const echo = (line: string) => { if (out.isTTY) status.text(line); else out.write(`${line}\n`); };
  const mirror = opts.distro === 'debian' ? debianMirrorFrom(hostSources()) : undefined;
  const common = { names: [opts.name ?? `${opts.distro}:${opts.suite}`], config: DEBIAN_CONFIG, showProgress: false };
  const mm = findTool('mmdebstrap');
  try {
    if (mm) {
      const args = mmdebstrapArgs(opts.suite, isRoot() ? 'root' : 'unshare', mirror);
      const child = spawn(mm, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      return await importTarStream(store, toolOutput(child, 'mmdebstrap', echo, status), {
        ...common, createdBy: `mmdebstrap ${args.slice(0, 4).join(' ')}`,
      });
    }
    const deb = findTool('debootstrap');
    if (!deb) throw new MissingToolError('mmdebstrap', 'apt-get install mmdebstrap');
    if (!isRoot()) throw new MissingToolError('mmdebstrap', 'apt-get install mmdebstrap (debootstrap, which is installed, needs root)');
    return await viaDebootstrap(store, deb, opts.suite, mirror, echo, status, common);
  } finally {
    status.done();
  }
}

async function viaDebootstrap(
  store: ImageStore, deb: string, suite: string, mirror: string | undefined, echo: (l: string) => void,
  status: ProgressLine, common: { names: string[]; config: ImageConfig; showProgress: boolean },
): Promise<ImportResult> {
  const tmp = store.createLayerTmp();
  try {
    const target = join(tmp, 'rootfs');
    const args = ['--variant=minbase', suite, target, ...(mirror ? [mirror] : [])];
    const boot = spawn(deb, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    boot.stdout?.pipe(lineSink(echo));
    await drain(toolOutput(boot, 'debootstrap', echo, status, false));
    const tar = spawn('tar', ['--numeric-owner', '-C', target, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return await importTarStream(store, toolOutput(tar, 'tar', echo, status), { ...common, createdBy: `debootstrap ${args.slice(0, 2).join(' ')}` });
  } finally {
    await removeTree(tmp);
  }
}

/** The child's stdout as a stream that fails unless the child exits 0 (so a failed tool never commits an
 *  image); its stderr lines go to `echo`, the last ones into the error. */
function toolOutput(child: ChildProcess, tool: string, echo: (l: string) => void, status: ProgressLine, data = true): Readable {
  const tail: string[] = [];
  child.stderr?.pipe(lineSink((l) => { tail.push(l); if (tail.length > 5) tail.shift(); echo(l); }));
  const exited = waitExit(child);
  const spawned = new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  async function* gen(): AsyncGenerator<Buffer> {
    await spawned;
    let n = 0;
    for await (const chunk of (data ? child.stdout : []) as AsyncIterable<Buffer>) {
      n += chunk.length;
      status.text(`receiving rootfs: ${formatSize(n)}`);
      yield chunk;
    }
    const { code, signal } = await exited;
    if (code !== 0) {
      const why = tail.filter((l) => /^E:/.test(l)).pop() ?? tail.pop() ?? '';
      throw new MyctrError('MYCTR_IMAGE', `${tool} failed (${signal ?? `exit ${code}`})${why ? `: ${why}` : ''}`, {
        hint: tool === 'mmdebstrap' ? 'rootless, mmdebstrap needs a subordinate id range (/etc/subuid) and unprivileged user namespaces' : undefined,
      });
    }
  }
  const stream = Readable.from(gen(), { objectMode: false });
  stream.once('close', () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); });
  return stream;
}

function lineSink(onLine: (l: string) => void): Writable {
  let buf = '';
  return new Writable({
    write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
      buf += chunk.toString();
      const lines = buf.split(/\r?\n|\r/);
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l.trimEnd());
      cb();
    },
    final(cb: () => void) { if (buf.trim()) onLine(buf.trimEnd()); cb(); },
  });
}

async function drain(r: Readable): Promise<void> {
  for await (const _ of r) { /* no data: waits for the tool's exit status */ }
}
