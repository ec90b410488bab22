// The build context and the Containerfile: a directory, or stdin (`-`) holding either a Containerfile (no
// context, as `docker build - < Dockerfile`) or a tar of the context (optionally compressed), unpacked into a
// private tmp dir. `-f` is relative to the working directory; by default Containerfile, then Dockerfile.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import { createDecompressor, detectCompression } from '../image/decompress.js';
import { removeTree } from '../runtime/userns-run.js';
import { BuildError } from './errors.js';
import { loadIgnore, type IgnoreMatcher } from './ignore.js';

export interface BuildContext {
  /** Absolute context root; undefined for a context-less build. */
  dir: string | undefined;
  containerfile: { text: string; name: string };
  ignore: IgnoreMatcher;
  dispose(): Promise<void>;
}

function readStdin(): Buffer {
  try { return readFileSync(0); } catch (err) {
    throw new BuildError(`read stdin: ${(err as Error).message}`);
  }
}

function isTar(buf: Buffer): boolean {
  return detectCompression(buf) !== 'none' || buf.subarray(257, 262).toString() === 'ustar';
}

function defaultContainerfile(dir: string): string {
  for (const n of ['Containerfile', 'Dockerfile']) if (existsSync(join(dir, n))) return join(dir, n);
  throw new BuildError(`no Containerfile or Dockerfile in \`${dir}\``, { hint: 'name one with -f, or add a Containerfile to the context' });
}

function readContainerfile(path: string): { text: string; name: string } {
  try { return { text: readFileSync(path, 'utf8'), name: path }; } catch (err) {
    throw new BuildError(`read \`${path}\`: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check the -f path (relative to the current directory)' });
  }
}

export async function openContext(context: string, file: string | undefined, tmpRoot: string): Promise<BuildContext> {
  if (context === '-') {
    const input = readStdin();
    if (!isTar(input)) {
      if (file !== undefined) throw new BuildError('-f cannot be used when the Containerfile comes from stdin');
      return { dir: undefined, containerfile: { text: input.toString('utf8'), name: '<stdin>' }, ignore: loadIgnore(undefined, undefined), dispose: async () => {} };
    }
    const dir = mkdtempSync(join(tmpRoot, 'build-context-'));
    try {
      const d = await createDecompressor(detectCompression(input));
      await pipeline(Readable.from([input]), d.stream, extract({ cwd: dir, preserveOwner: false, strict: true }));
      await d.done;
    } catch (err) {
      await removeTree(dir);
      throw new BuildError(`unpack the build context from stdin: ${(err as Error).message}`);
    }
    const cf = file !== undefined ? resolve(dir, file) : defaultContainerfile(dir);
    return { dir, containerfile: readContainerfile(cf), ignore: loadIgnore(dir, cf), dispose: () => removeTree(dir) };
  }
  const dir = resolve(context);
  let isDir = false;
  try { isDir = statSync(dir).isDirectory(); } catch { /* reported below */ }
  if (!isDir) throw new BuildError(`the build context \`${context}\` is not a directory`, { hint: 'give a directory (usually `.`) or `-` for stdin' });
  // -f: relative to the working directory (Docker); failing that, to the context (buildah's fallback).
  const cf = file === '-' ? undefined : file !== undefined ? (existsSync(resolve(file)) ? resolve(file) : resolve(dir, file)) : defaultContainerfile(dir);
  const containerfile = cf === undefined ? { text: readStdin().toString('utf8'), name: '<stdin>' } : readContainerfile(cf);
  return { dir, containerfile, ignore: loadIgnore(dir, cf), dispose: async () => {} };
}
