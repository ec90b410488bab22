// The state of a stage while it builds (image config, layers, history, ARG scope, shell) and the pure
// effects of the instructions that only change metadata: ENV, LABEL, EXPOSE, VOLUME, USER, WORKDIR,
// CMD, ENTRYPOINT, SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER. Docker's rules throughout.
import { posix } from 'node:path';
import type { HistoryEntry, ImageConfig } from '../image/config.js';
import { DockerfileSyntaxError } from './errors.js';
import type { Command, Instruction } from './instructions.js';
import { processWord, processWords, SubstitutionError, type Lookup } from './words.js';

export interface StageState {
  config: ImageConfig;
  /** Layer diff ids, bottom first. */
  layers: string[];
  history: HistoryEntry[];
  /** ARGs in scope in this stage, with their values. */
  args: Map<string, string>;
  /** Set once a CMD instruction ran in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  escape: '\\' | '`';
  /** The image's architecture: the base image's, or for `scratch` the stage's platform's (default: the host's). */
  architecture?: string;
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];
/** Args that need no ARG line and stay out of the image's history (Docker's predefined proxy args). */
export const PREDEFINED_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

export function envMap(config: ImageConfig): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of config.Env ?? []) { const i = e.indexOf('='); if (i > 0) m.set(e.slice(0, i), e.slice(i + 1)); }
  return m;
}

/** Variable lookup for substitution: ENV wins over ARG (Docker). */
export function lookupFor(state: StageState): Lookup {
  const env = envMap(state.config);
  return (name) => env.get(name) ?? state.args.get(name);
}

/** Expands with the stage's variables; a substitution error becomes a file:line error. */
export function expand(state: StageState, ins: Instruction, text: string, many = false): string[] {
  try {
    return many ? processWords(text, lookupFor(state), state.escape) : [processWord(text, lookupFor(state), state.escape)];
  } catch (err) {
    if (err instanceof SubstitutionError) throw new DockerfileSyntaxError(ins.pos, err.message, ins.original);
    throw err;
  }
}

/** A command as the image stores it: exec form as is, shell form wrapped in the stage's SHELL. */
export function commandArgv(state: StageState, c: Command): string[] {
  return c.form === 'exec' ? c.args : [...(state.config.Shell ?? DEFAULT_SHELL), c.text];
}

function setEnv(config: ImageConfig, key: string, value: string): void {
  const env = [...(config.Env ?? [])];
  const i = env.findIndex((e) => e.startsWith(`${key}=`));
  if (i >= 0) env[i] = `${key}=${value}`; else env.push(`${key}=${value}`);
  config.Env = env;
}

/** `30s`, `1m30s`, `500ms` → nanoseconds (the unit of the image config's Healthcheck). */
export function durationNs(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) { total += Number(m[1]) * unit[m[2]!]!; consumed += m[0].length; }
  if (consumed !== text.length || text === '') throw new Error(`invalid duration \`${text}\``);
  return Math.round(total);
}

/** Applies a metadata-only instruction; returns the history text. */
export function applyMetadata(state: StageState, ins: Instruction): string {
  const c = state.config;
  switch (ins.kind) {
    case 'env': {
      const done = ins.pairs.map((p) => ({ key: p.key, value: expand(state, ins, p.rawValue)[0]! }));
      for (const p of done) setEnv(c, p.key, p.value);
      return `ENV ${done.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    }
    case 'label': {
      const labels = { ...(c.Labels ?? {}) };
      for (const p of ins.pairs) labels[expand(state, ins, p.key)[0]!] = expand(state, ins, p.rawValue)[0]!;
      c.Labels = labels;
      return `LABEL ${ins.pairs.map((p) => `${p.key}=${p.rawValue}`).join(' ')}`;
    }
    case 'expose': {
      const ports = { ...(c.ExposedPorts ?? {}) };
      const list = ins.raw.flatMap((r) => expand(state, ins, r, true));
      for (const p of list) {
        if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new DockerfileSyntaxError(ins.pos, `invalid port \`${p}\``, ins.original, 'EXPOSE <port>[/<protocol>]');
        ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
      }
      c.ExposedPorts = ports;
      return `EXPOSE map[${list.join(' ')}]`;
    }
    case 'volume': {
      const vols = { ...(c.Volumes ?? {}) };
      const list = ins.raw.flatMap((r) => expand(state, ins, r));
      for (const v of list) {
        if (v.trim() === '') throw new DockerfileSyntaxError(ins.pos, 'VOLUME specified can not be an empty string', ins.original);
        vols[v] = {};
      }
      c.Volumes = vols;
      return `VOLUME [${list.join(' ')}]`;
    }
    case 'user': c.User = expand(state, ins, ins.raw)[0]!; return `USER ${c.User}`;
    case 'stopsignal': c.StopSignal = expand(state, ins, ins.raw)[0]!; return `STOPSIGNAL ${c.StopSignal}`;
    case 'maintainer': return `MAINTAINER ${ins.raw}`;
    case 'workdir': {
      const dir = expand(state, ins, ins.raw)[0]!;
      c.WorkingDir = posix.resolve(c.WorkingDir || '/', dir);
      return `WORKDIR ${c.WorkingDir}`;
    }
    case 'cmd':
      c.Cmd = commandArgv(state, ins.command);
      state.cmdSet = true;
      return `CMD ${JSON.stringify(c.Cmd)}`;
    case 'entrypoint':
      c.Entrypoint = commandArgv(state, ins.command);
      // Docker: an ENTRYPOINT resets a CMD inherited from the base image, not one set in this stage.
      if (!state.cmdSet) delete c.Cmd;
      return `ENTRYPOINT ${JSON.stringify(c.Entrypoint)}`;
    case 'shell': c.Shell = ins.args; return `SHELL ${JSON.stringify(ins.args)}`;
    case 'healthcheck': {
      if (ins.none) { c.Healthcheck = { Test: ['NONE'] }; return 'HEALTHCHECK NONE'; }
      const test = ins.command.form === 'exec' ? ['CMD', ...ins.command.args] : ['CMD-SHELL', ins.command.text];
      const hc: Record<string, unknown> = { Test: test };
      const keys: Record<string, string> = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' };
      try {
        for (const [k, v] of Object.entries(ins.options)) hc[keys[k] ?? 'Retries'] = k === 'retries' ? Number(v) : durationNs(v);
      } catch (err) {
        throw new DockerfileSyntaxError(ins.pos, (err as Error).message, ins.original);
      }
      c.Healthcheck = hc;
      return `HEALTHCHECK ${JSON.stringify(test)}`;
    }
    case 'onbuild': c.OnBuild = [...(c.OnBuild ?? []), ins.trigger]; return `ONBUILD ${ins.trigger}`;
    default:
      throw new Error(`not a metadata instruction: ${ins.kind}`);
  }
}
