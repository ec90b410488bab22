// `RUN --mount=…` → the runtime's mount specs: type=cache (a persistent host dir per id), bind (a path of the
// build context, or with from= of an earlier stage or an image), tmpfs, secret (a file given with
// `--secret id=…,src=…`, read-only at /run/secrets/<id>). Paths resolve inside the context or the stage.
// A read-only bind of the context is the context path itself. A bind that is writable (`rw`, whose writes
// Docker discards) or comes from a stage or image is a copy, made by the layer worker just before the RUN
// and removed after it, so the context and the stage never change.
import { posix } from 'node:path';
import { statSync } from 'node:fs';
import { secureJoin } from '../runtime/setup/secure-join.js';
import type { MountSpec } from '../runtime/setup/plan.js';
import { DockerfileSyntaxError } from './errors.js';
import type { Instruction } from './instructions.js';

export interface MountEnv {
  contextDir: string | undefined;
  secrets: ReadonlyMap<string, string>;
  cacheDir(id: string): string;
  cwd: string;
  /** The stages and images named by `from=`, resolved by the caller (see `mountFromRefs`). */
  from?: ReadonlyMap<string, { layers: string[]; key: string }>;
}

/** A bind mount whose source the layer worker copies out of `layers` (bottom first) before the RUN. */
export interface CopiedMount { layers: string[]; source: string; destination: string; readonly: boolean }

export type PlannedMount = { kind: 'ready'; spec: MountSpec } | ({ kind: 'copy' } & CopiedMount);

export interface PlannedMounts {
  mounts: PlannedMount[];
  /** What the RUN's result depends on beyond the mount texts: the content keys of `from=` sources. */
  keyParts: string[];
}

function fields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    m.set((eq < 0 ? part : part.slice(0, eq)).toLowerCase(), eq < 0 ? 'true' : part.slice(eq + 1));
  }
  return m;
}

const isTrue = (v: string | undefined) => v !== undefined && v !== 'false' && v !== '0';

/** The `from=` references of a RUN's mounts, for the caller to resolve first. */
export function mountFromRefs(ins: Extract<Instruction, { kind: 'run' }>): string[] {
  return [...new Set(ins.mounts.map((t) => fields(t).get('from')).filter((v): v is string => v !== undefined && v !== ''))];
}

export function runMounts(ins: Extract<Instruction, { kind: 'run' }>, env: MountEnv): PlannedMounts {
  const out: PlannedMount[] = [];
  const keyParts: string[] = [];
  const ready = (spec: MountSpec) => out.push({ kind: 'ready', spec });
  const fail = (what: string, hint?: string): never => { throw new DockerfileSyntaxError(ins.pos, what, ins.original, hint); };
  for (const text of ins.mounts) {
    const f = fields(text);
    const type = f.get('type') ?? 'bind';
    const rawTarget = f.get('target') ?? f.get('dst') ?? f.get('destination');
    const target = rawTarget !== undefined ? posix.resolve(env.cwd, rawTarget) : undefined;
    const fromRef = f.get('from');
    if (fromRef !== undefined && type !== 'bind') fail(`--mount from= is supported for type=bind only (not ${type})`, 'seed a cache with a RUN that copies from a bind mount');
    switch (type) {
      case 'cache':
        if (!target) fail('cache mounts need a target');
        ready({ type: 'bind', source: env.cacheDir(f.get('id') ?? target!), destination: target!, readonly: isTrue(f.get('ro')) || isTrue(f.get('readonly')), file: false });
        break;
      case 'bind': {
        if (!target) fail('bind mounts need a target');
        const source = f.get('source') ?? f.get('src') ?? '.';
        const rw = isTrue(f.get('rw')) || isTrue(f.get('readwrite'));
        if (fromRef !== undefined) {
          if (fromRef === '') fail('--mount from= needs a stage name or an image');
          const src = env.from?.get(fromRef);
          if (!src) fail(`--mount from=${fromRef}: stage or image not resolved`);
          out.push({ kind: 'copy', layers: src!.layers, source: posix.resolve('/', source), destination: target!, readonly: !rw });
          keyParts.push(src!.key);
          break;
        }
        if (!env.contextDir) fail('bind mounts need a build context', 'give a context directory instead of `-`, or use from=<stage>');
        const abs = secureJoin(env.contextDir!, source);
        let isFile = false;
        try { isFile = statSync(abs).isFile(); } catch { fail(`bind mount source \`${source}\` not found in the build context`); }
        if (rw) out.push({ kind: 'copy', layers: [env.contextDir!], source: posix.resolve('/', source), destination: target!, readonly: false });
        else ready({ type: 'bind', source: abs, destination: target!, readonly: true, file: isFile });
        break;
      }
      case 'tmpfs':
        if (!target) fail('tmpfs mounts need a target');
        ready({ type: 'tmpfs', destination: target!, options: f.has('size') ? `size=${f.get('size')}` : '', flags: 0 });
        break;
      case 'secret': {
        const id = f.get('id') ?? (rawTarget ? posix.basename(rawTarget) : undefined);
        if (!id) fail('secret mounts need an id');
        const source = env.secrets.get(id!);
        if (!source) {
          if (f.get('required') === 'true') fail(`secret \`${id}\` is required but was not given`, `pass it with --secret id=${id},src=<file>`);
          continue;
        }
        ready({ type: 'bind', source, destination: target ?? `/run/secrets/${id}`, readonly: true, file: true });
        break;
      }
      case 'ssh':
        fail('--mount=type=ssh is not supported', 'fetch with credentials from --secret (type=secret) instead');
        break;
      default:
        fail(`unsupported mount type \`${type}\``, 'myctr supports type=cache, bind, tmpfs and secret');
    }
  }
  return { mounts: out, keyParts };
}
