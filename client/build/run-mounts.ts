// `RUN --mount=…` → the runtime's mount specs: type=cache (a persistent host dir per id), bind (a path of the
// build context, read-only), tmpfs, secret (a file given with `--secret id=…,src=…`, read-only at
// /run/secrets/<id>). Paths from the context resolve inside it.
import { posix } from 'node:path';
import { secureJoin } from '../runtime/setup/secure-join.js';
import type { MountSpec } from '../runtime/setup/plan.js';
import { statSync } from 'node:fs';
import { DockerfileSyntaxError } from './errors.js';
import type { Instruction } from './instructions.js';

export interface MountEnv {
  contextDir: string | undefined;
  secrets: ReadonlyMap<string, string>;
  cacheDir(id: string): string;
  cwd: string;
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

export function runMounts(ins: Extract<Instruction, { kind: 'run' }>, env: MountEnv): MountSpec[] {
  const out: MountSpec[] = [];
  const fail = (what: string, hint?: string): never => { throw new DockerfileSyntaxError(ins.pos, what, ins.original, hint); };
  for (const text of ins.mounts) {
    const f = fields(text);
    const type = f.get('type') ?? 'bind';
    const rawTarget = f.get('target') ?? f.get('dst') ?? f.get('destination');
    const target = rawTarget !== undefined ? posix.resolve(env.cwd, rawTarget) : undefined;
    if (f.has('from')) fail(`--mount from= is not supported yet (${type})`, 'COPY --from the files into the stage instead');
    switch (type) {
      case 'cache':
        if (!target) fail('cache mounts need a target');
        out.push({ type: 'bind', source: env.cacheDir(f.get('id') ?? target!), destination: target!, readonly: f.get('ro') === 'true' || f.get('readonly') === 'true', file: false });
        break;
      case 'bind': {
        if (!target) fail('bind mounts need a target');
        if (!env.contextDir) fail('bind mounts need a build context', 'give a context directory instead of `-`');
        const source = secureJoin(env.contextDir!, f.get('source') ?? f.get('src') ?? '.');
        let isFile = false;
        try { isFile = statSync(source).isFile(); } catch { fail(`bind mount source \`${f.get('source') ?? '.'}\` not found in the build context`); }
        // Docker discards writes to rw bind mounts; a read-only mount keeps the context safe in the same way.
        out.push({ type: 'bind', source, destination: target!, readonly: true, file: isFile });
        break;
      }
      case 'tmpfs':
        if (!target) fail('tmpfs mounts need a target');
        out.push({ type: 'tmpfs', destination: target!, options: f.has('size') ? `size=${f.get('size')}` : '', flags: 0 });
        break;
      case 'secret': {
        const id = f.get('id') ?? (rawTarget ? posix.basename(rawTarget) : undefined);
        if (!id) fail('secret mounts need an id');
        const source = env.secrets.get(id!);
        if (!source) {
          if (f.get('required') === 'true') fail(`secret \`${id}\` is required but was not given`, `pass it with --secret id=${id},src=<file>`);
          continue;
        }
        out.push({ type: 'bind', source, destination: target ?? `/run/secrets/${id}`, readonly: true, file: true });
        break;
      }
      default:
        fail(`unsupported mount type \`${type}\``, 'myctr supports type=cache, bind, tmpfs and secret');
    }
  }
  return out;
}
