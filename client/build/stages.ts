// A parsed Containerfile as build stages: the global ARGs before the first FROM, then one Stage per FROM with
// its name, base and instructions; and which stages a target needs (FROM <stage>, COPY --from, RUN
// --mount=from=). Pure.
import { DockerfileSyntaxError } from './errors.js';
import { toInstruction, type Instruction } from './instructions.js';
import { parseDockerfile } from './parse.js';

export interface Stage {
  index: number;
  /** Lower-cased `AS` name, if any. */
  name?: string;
  from: Extract<Instruction, { kind: 'from' }>;
  steps: Instruction[];
}

export interface Containerfile {
  file: string;
  escape: '\\' | '`';
  directives: Record<string, string>;
  globalArgs: Extract<Instruction, { kind: 'arg' }>[];
  stages: Stage[];
}

export function parseContainerfile(text: string, file = 'Containerfile'): Containerfile {
  const parsed = parseDockerfile(text, file);
  const globalArgs: Containerfile['globalArgs'] = [];
  const stages: Stage[] = [];
  for (const raw of parsed.instructions) {
    const ins = toInstruction(raw, parsed.escape);
    if (ins.kind === 'from') {
      if (ins.alias !== undefined) {
        if (!/^[a-z][a-z0-9._-]*$/.test(ins.alias)) throw new DockerfileSyntaxError(ins.pos, `invalid stage name \`${ins.alias}\``, ins.original, 'stage names start with a letter and contain letters, digits, `.`, `_` or `-`');
        if (stages.some((s) => s.name === ins.alias)) throw new DockerfileSyntaxError(ins.pos, `duplicate stage name \`${ins.alias}\``, ins.original);
      }
      stages.push({ index: stages.length, ...(ins.alias !== undefined ? { name: ins.alias } : {}), from: ins, steps: [] });
    } else if (stages.length === 0) {
      if (ins.kind !== 'arg') throw new DockerfileSyntaxError(ins.pos, 'no build stage in current context', ins.original, 'a Containerfile must start with FROM (only ARG may come before it)');
      globalArgs.push(ins);
    } else {
      stages[stages.length - 1]!.steps.push(ins);
    }
  }
  if (stages.length === 0) throw new DockerfileSyntaxError({ file, line: 1 }, 'the Containerfile has no FROM instruction', '', 'a build needs at least one FROM');
  return { file, escape: parsed.escape, directives: parsed.directives, globalArgs, stages };
}

/** The stage a reference (`build`, `0`) names among those before `before`; undefined for an image. */
export function stageRef(cf: Containerfile, ref: string, before: number): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = cf.stages.find((s) => s.name === lower && s.index < before);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const s = cf.stages[Number(ref)];
    if (s && s.index < before) return s;
  }
  return undefined;
}

/** The target stage: `--target` by name, else the last. */
export function targetStage(cf: Containerfile, target: string | undefined): Stage {
  if (target === undefined) return cf.stages[cf.stages.length - 1]!;
  const s = cf.stages.find((x) => x.name === target.toLowerCase());
  if (!s) {
    const names = cf.stages.flatMap((x) => x.name ?? []);
    throw new DockerfileSyntaxError({ file: cf.file, line: 1 }, `target stage \`${target}\` could not be found`, '',
      names.length ? `the stages are: ${names.join(', ')}` : 'name a stage with FROM <image> AS <name>');
  }
  return s;
}

/** Stage references a stage's instructions make (before substitution: `--from=$X` is resolved later). */
export function stageDeps(cf: Containerfile, stage: Stage): Stage[] {
  const refs: string[] = [stage.from.image];
  for (const s of stage.steps) {
    if ((s.kind === 'copy') && s.flags.from !== undefined) refs.push(s.flags.from);
    if (s.kind === 'run') for (const m of s.mounts) { const f = /(?:^|,)from=([^,]+)/.exec(m); if (f) refs.push(f[1]!); }
  }
  const out: Stage[] = [];
  for (const r of refs) { const d = stageRef(cf, r, stage.index); if (d && !out.includes(d)) out.push(d); }
  return out;
}
