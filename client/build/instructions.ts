// Raw instruction → typed Instruction: the shape of every Dockerfile instruction, its flags and its forms
// (JSON exec form vs shell form). Values that need variable substitution stay raw here; the executor expands
// them with the stage's environment at that point of the build. Pure.
import { DockerfileSyntaxError, type SourcePos } from './errors.js';
import { flagMap, type Heredoc, type RawInstruction } from './parse.js';
import { splitAssignments, splitRaw } from './words.js';

/** A command as written: exec form (`["a","b"]`) or shell form (run through SHELL). */
export type Command = { form: 'exec'; args: string[] } | { form: 'shell'; text: string };

export interface CopyFlags { from?: string; chown?: string; chmod?: string; link: boolean; parents: boolean; exclude: string[] }

export type Instruction = { pos: SourcePos; original: string } & (
  | { kind: 'from'; image: string; alias?: string; platform?: string }
  | { kind: 'run'; command: Command; heredocs: Heredoc[]; mounts: string[]; network?: string; security?: string }
  | { kind: 'cmd' | 'entrypoint'; command: Command }
  | { kind: 'env' | 'label'; pairs: { key: string; rawValue: string }[] }
  | { kind: 'arg'; args: { name: string; rawDefault?: string }[] }
  | { kind: 'copy' | 'add'; sources: string[]; dest: string; heredocs: Heredoc[]; flags: CopyFlags; checksum?: string; keepGitDir: boolean }
  | { kind: 'workdir' | 'user' | 'stopsignal' | 'maintainer'; raw: string }
  | { kind: 'expose' | 'volume'; raw: string[] }
  | { kind: 'shell'; args: string[] }
  | { kind: 'healthcheck'; none: true }
  | { kind: 'healthcheck'; none: false; command: Command; options: Record<string, string> }
  | { kind: 'onbuild'; trigger: string }
);

export type InstructionKind = Instruction['kind'];

/** Parses `rest` as a JSON string array (exec form); undefined when it is not one (shell form). */
export function jsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch { /* shell form, as Docker falls back */ }
  return undefined;
}

function command(rest: string): Command {
  const json = jsonArray(rest);
  return json ? { form: 'exec', args: json } : { form: 'shell', text: rest };
}

function one(flags: Map<string, string[]>, name: string): string | undefined {
  const v = flags.get(name);
  return v?.[v.length - 1];
}

export function toInstruction(raw: RawInstruction, escape: '\\' | '`'): Instruction {
  const base = { pos: raw.pos, original: raw.original };
  const need = (ok: boolean, what: string, hint?: string) => {
    if (!ok) throw new DockerfileSyntaxError(raw.pos, what, raw.original, hint);
  };
  const noFlags = () => flagMap(raw, []);
  const { rest } = raw;
  switch (raw.keyword) {
    case 'FROM': {
      const f = flagMap(raw, ['platform']);
      const words = rest.split(/\s+/).filter(Boolean);
      need(words.length === 1 || (words.length === 3 && words[1]!.toLowerCase() === 'as'),
        'FROM requires either one or three arguments', 'FROM [--platform=<platform>] <image> [AS <name>]');
      const platform = one(f, 'platform');
      return { ...base, kind: 'from', image: words[0]!, ...(words[2] ? { alias: words[2].toLowerCase() } : {}), ...(platform ? { platform } : {}) };
    }
    case 'RUN': {
      const f = flagMap(raw, ['mount', 'network', 'security']);
      need(rest !== '', 'RUN requires at least one argument');
      const network = one(f, 'network');
      const security = one(f, 'security');
      return { ...base, kind: 'run', command: command(rest), heredocs: raw.heredocs, mounts: f.get('mount') ?? [],
        ...(network !== undefined ? { network } : {}), ...(security !== undefined ? { security } : {}) };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      noFlags();
      return { ...base, kind: raw.keyword === 'CMD' ? 'cmd' : 'entrypoint', command: command(rest) };
    case 'ENV':
    case 'LABEL': {
      noFlags();
      const kind = raw.keyword === 'ENV' ? 'env' : 'label';
      need(rest !== '', `${raw.keyword} requires at least one argument`);
      const assigns = splitAssignments(rest, escape);
      if (assigns[0]!.rawValue === undefined) {
        // Legacy `ENV key value with spaces`: one pair, the value is the rest of the line.
        need(kind === 'env', 'LABEL requires key=value pairs', 'LABEL <key>=<value> …');
        const key = assigns[0]!.key;
        const value = rest.slice(rest.search(/\s/)).trim();
        need(/\s/.test(rest) && value !== '', 'ENV must have two arguments', 'ENV <key>=<value> … or ENV <key> <value>');
        return { ...base, kind, pairs: [{ key, rawValue: value }] };
      }
      for (const a of assigns) need(a.rawValue !== undefined && a.key !== '', `${raw.keyword} names can not be blank or mix forms`, 'write every item as <key>=<value>');
      return { ...base, kind, pairs: assigns.map((a) => ({ key: a.key, rawValue: a.rawValue! })) };
    }
    case 'ARG': {
      noFlags();
      need(rest !== '', 'ARG requires at least one argument');
      const args = splitAssignments(rest, escape).map((a) => ({ name: a.key, ...(a.rawValue !== undefined ? { rawDefault: a.rawValue } : {}) }));
      for (const a of args) need(/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.name), `invalid ARG name \`${a.name}\``);
      return { ...base, kind: 'arg', args };
    }
    case 'COPY':
    case 'ADD': {
      const isAdd = raw.keyword === 'ADD';
      const f = flagMap(raw, isAdd ? ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude', 'from'] : ['from', 'chown', 'chmod', 'link', 'parents', 'exclude']);
      need(!(isAdd && f.has('from')), 'ADD does not support --from', 'use COPY --from');
      const words = jsonArray(rest) ?? splitRaw(rest, escape);
      need(words.length >= 2, `${raw.keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
      const flags: CopyFlags = { link: f.has('link') && one(f, 'link') !== 'false', parents: f.has('parents') && one(f, 'parents') !== 'false', exclude: f.get('exclude') ?? [] };
      for (const k of ['from', 'chown', 'chmod'] as const) { const v = one(f, k); if (v !== undefined) flags[k] = v; }
      if (flags.chmod !== undefined) need(/^[0-7]{3,4}$/.test(flags.chmod), `invalid --chmod \`${flags.chmod}\``, 'give an octal mode such as 0755');
      // Parsed so that the error names the flag, but not implemented yet: refusing beats copying the wrong files.
      if (flags.exclude.length || flags.parents) need(false, `${raw.keyword} --${flags.parents ? 'parents' : 'exclude'} is not supported yet`);
      const checksum = one(f, 'checksum');
      return { ...base, kind: isAdd ? 'add' : 'copy', sources: words.slice(0, -1), dest: words[words.length - 1]!, heredocs: raw.heredocs,
        flags, ...(checksum !== undefined ? { checksum } : {}), keepGitDir: f.has('keep-git-dir') };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      noFlags();
      need(rest !== '', `${raw.keyword} requires exactly one argument`);
      need(raw.keyword === 'MAINTAINER' || raw.keyword === 'WORKDIR' || splitRaw(rest, escape).length === 1, `${raw.keyword} requires exactly one argument`);
      return { ...base, kind: raw.keyword.toLowerCase() as 'workdir', raw: rest };
    case 'EXPOSE':
    case 'VOLUME': {
      noFlags();
      need(rest !== '', `${raw.keyword} requires at least one argument`);
      const list = (raw.keyword === 'VOLUME' ? jsonArray(rest) : undefined) ?? splitRaw(rest, escape);
      return { ...base, kind: raw.keyword === 'EXPOSE' ? 'expose' : 'volume', raw: list };
    }
    case 'SHELL': {
      noFlags();
      const json = jsonArray(rest);
      need(json !== undefined && json.length > 0, 'SHELL requires the arguments to be in JSON form', 'SHELL ["executable", "parameters"]');
      return { ...base, kind: 'shell', args: json! };
    }
    case 'HEALTHCHECK': {
      const f = flagMap(raw, ['interval', 'timeout', 'start-period', 'start-interval', 'retries']);
      const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
      const type = m?.[1]?.toUpperCase();
      if (type === 'NONE') {
        need(m![2] === '' && f.size === 0, 'HEALTHCHECK NONE takes no arguments');
        return { ...base, kind: 'healthcheck', none: true };
      }
      need(type === 'CMD' && m![2] !== '', 'HEALTHCHECK requires CMD <command> or NONE', 'HEALTHCHECK [--interval=30s …] CMD <command>');
      const options: Record<string, string> = {};
      for (const [k, v] of f) options[k] = v[v.length - 1]!;
      return { ...base, kind: 'healthcheck', none: false, command: command(m![2]!), options };
    }
    case 'ONBUILD': {
      noFlags();
      const trigger = /^(\S+)/.exec(rest)?.[1]?.toUpperCase();
      need(trigger !== undefined, 'ONBUILD requires an instruction');
      need(!['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger!), `${trigger} isn't allowed as an ONBUILD trigger`);
      return { ...base, kind: 'onbuild', trigger: rest };
    }
    default:
      throw new DockerfileSyntaxError(raw.pos, `unknown instruction: ${raw.keyword}`, raw.original,
        'see the Dockerfile reference for the instructions (FROM, RUN, COPY, …)');
  }
}
