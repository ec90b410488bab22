// Compression of an incoming archive, detected by magic bytes. gzip is Node's zlib; Node 20's zlib has no zstd
// (nor xz/bzip2), so those go through the host's `zstd -dc` / `xz -dc` / `bzip2 -dc` when installed.
import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MissingToolError, MyctrError } from '../runtime/errors.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

const MAGIC: [Compression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];

/** Bytes needed to recognise every supported format. */
export const MAGIC_LEN = 6;

export function detectCompression(head: Uint8Array): Compression {
  for (const [kind, bytes] of MAGIC) {
    if (head.length >= bytes.length && bytes.every((b, i) => head[i] === b)) return kind;
  }
  return 'none';
}

const TOOL: Record<Exclude<Compression, 'none' | 'gzip'>, { cmd: string; pkg: string }> = {
  zstd: { cmd: 'zstd', pkg: 'zstd' },
  xz: { cmd: 'xz', pkg: 'xz-utils' },
  bzip2: { cmd: 'bzip2', pkg: 'bzip2' },
};

export interface Decompressor {
  stream: Duplex;
  /** Resolves when an external tool exited 0; rejects with its stderr otherwise. Resolved for in-process ones. */
  done: Promise<void>;
  /** Stops an external tool (after a failure elsewhere in the pipeline). */
  abort(): void;
}

/** A stream that turns `kind`-compressed bytes into the plain tar. */
export async function createDecompressor(kind: Compression): Promise<Decompressor> {
  if (kind === 'none') return { stream: new PassThrough(), done: Promise.resolve(), abort: () => {} };
  if (kind === 'gzip') return { stream: createGunzip(), done: Promise.resolve(), abort: () => {} };
  const { cmd, pkg } = TOOL[kind];
  const child = spawn(cmd, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MissingToolError(cmd, `${kind}-compressed archive: install the \`${pkg}\` package (or decompress it first)`);
    }
    throw err;
  }
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const done = new Promise<void>((resolve, reject) => {
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new MyctrError('MYCTR_IMAGE', `\`${cmd} -dc\`: ${signal ?? `exit ${code}`}: ${stderr.trim().split('\n').pop() ?? ''}`));
    });
  });
  done.catch(() => {});
  return {
    stream: Duplex.from({ writable: child.stdin, readable: child.stdout }),
    done,
    abort: () => { child.kill('SIGKILL'); },
  };
}
