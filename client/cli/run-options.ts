// `myctr run` flags → RunOptions: volume and tmpfs specs, env files, hosts, capabilities. Pure apart from
// reading --env-file and stat'ing volume sources; every error names the flag and says how to fix it.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import { NotFoundError, UsageError } from '../runtime/errors.js';
import type { RunOptions } from '../runtime/spec.js';
import { parseNetworkMode, type ParsedNetwork } from '../network/mode.js';
import { parsePublish } from '../network/ports.js';
import { defaultNetworkMode } from '../network/tools.js';
import type { MountSpec } from '../runtime/setup/plan.js';
import { parseMountOptions } from '../runtime/setup/mount-options.js';
import { nodeNet } from '../lazy-builtins.js';

/** Raw flags as commander collects them. */
export interface RawRunFlags {
  name?: string;
  rm?: boolean;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  entrypoint?: string;
  interactive?: boolean;
  tty?: boolean;
  readOnly?: boolean;
  volume?: string[];
  tmpfs?: string[];
  network?: string;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  groupAdd?: string[];
  dns?: string[];
  addHost?: string[];
  publish?: string[];
  publishAll?: boolean;
  dnsSearch?: string[];
}

const VOLUME_OPTIONS = new Set(['ro', 'rw', 'z', 'Z', 'rbind', 'bind', 'rprivate', 'private', 'nocopy']);

/** `-v host:ctr[:opts]` (opts: ro, rw; z/Z and propagation words accepted and ignored). */
export function parseVolume(spec: string, cwd = process.cwd()): MountSpec {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
    throw new UsageError(`invalid volume \`${spec}\``, 'use -v /host/path:/container/path[:ro]');
  }
  const [src, dst, opts = ''] = parts as [string, string, string?];
  if (!src.startsWith('/') && !src.startsWith('.')) {
    throw new UsageError(`invalid volume \`${spec}\`: named volumes are not supported`, 'give an absolute host path, e.g. -v "$PWD/data:/data"');
  }
  if (!isAbsolute(dst)) throw new UsageError(`invalid volume \`${spec}\`: \`${dst}\` is not an absolute container path`, 'the container path must start with /');
  if (posix.normalize(dst) === '/') throw new UsageError(`invalid volume \`${spec}\`: cannot mount over the container's root`, 'choose a directory below /, e.g. /data');
  const words = opts ? opts.split(',') : [];
  for (const w of words) {
    if (!VOLUME_OPTIONS.has(w)) throw new UsageError(`invalid volume \`${spec}\`: unknown option \`${w}\``, 'valid options are ro and rw');
  }
  const source = resolve(cwd, src);
  let st;
  try { st = statSync(source); } catch {
    throw new NotFoundError(`volume source \`${source}\` does not exist`, `create it first: mkdir -p ${source}`);
  }
  return { type: 'bind', source, destination: posix.normalize(dst), readonly: words.includes('ro'), file: !st.isDirectory() };
}

// Podman's --tmpfs defaults: rw,noexec,nosuid,nodev.
const TMPFS_BASE = 0x2 | 0x4 | 0x8;

/** `--tmpfs /path[:size=64m,mode=1777,exec,…]`. */
export function parseTmpfs(spec: string): MountSpec {
  const i = spec.indexOf(':');
  const dst = i < 0 ? spec : spec.slice(0, i);
  const opts = i < 0 ? [] : spec.slice(i + 1).split(',').filter(Boolean);
  if (!isAbsolute(dst)) throw new UsageError(`invalid tmpfs \`${spec}\``, 'use --tmpfs /container/path[:size=64m,mode=1777]');
  const { flags, data } = parseMountOptions(opts, TMPFS_BASE);
  for (const d of data) {
    if (!/^(size|mode|nr_inodes|nr_blocks|uid|gid)=[\w%]+$/.test(d) && d !== 'tmpcopyup' && d !== 'notmpcopyup') {
      throw new UsageError(`invalid tmpfs option \`${d}\` in \`${spec}\``, 'valid: size=, mode=, nr_inodes=, uid=, gid=, ro, rw, exec, noexec, suid, nosuid, dev, nodev');
    }
  }
  const fsData = data.filter((d) => d !== 'tmpcopyup' && d !== 'notmpcopyup');
  if (!fsData.some((d) => d.startsWith('mode='))) fsData.push('mode=1777');
  return { type: 'tmpfs', destination: posix.normalize(dst), options: fsData.join(','), flags };
}

/** `--env-file` lines: KEY=value, or KEY alone to take the host's value; # comments and blanks skipped. */
export function parseEnvFile(text: string, file: string, hostEnv: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  text.split('\n').forEach((raw, n) => {
    const line = raw.replace(/\r$/, '').trimStart();
    if (!line || line.startsWith('#')) return;
    out.push(...parseEnvArg(line, hostEnv, `${file}:${n + 1}`));
  });
  return out;
}

/** `-e KEY=value` or `-e KEY` (the host's value, dropped when unset, as Docker). */
export function parseEnvArg(arg: string, hostEnv: NodeJS.ProcessEnv, where = '-e'): string[] {
  const i = arg.indexOf('=');
  const key = i < 0 ? arg : arg.slice(0, i);
  if (!/^[^=\s]+$/.test(key)) throw new UsageError(`invalid environment variable \`${arg}\` (${where})`, 'use KEY=value');
  if (i >= 0) return [arg];
  const v = hostEnv[key];
  return v === undefined ? [] : [`${key}=${v}`];
}

export function parseAddHost(spec: string): { name: string; ip: string } {
  const i = spec.indexOf(':');
  const name = spec.slice(0, i);
  const ip = spec.slice(i + 1);
  if (i <= 0 || !/^[A-Za-z0-9.-]+$/.test(name) || (nodeNet().isIP(ip) === 0 && ip !== 'host-gateway')) {
    throw new UsageError(`invalid --add-host \`${spec}\``, 'use --add-host name:1.2.3.4');
  }
  return { name, ip };
}

/** --network; without it pasta when installed and new enough, else slirp4netns (client/network/tools.ts). */
export function parseNetwork(mode: string | undefined, defaultMode = defaultNetworkMode): ParsedNetwork {
  return parseNetworkMode(mode, mode === undefined ? defaultMode() : 'none');
}

/** --dns-search domains; `.` means "no search list" (Docker). */
export function parseDnsSearch(values: readonly string[]): string[] {
  for (const d of values) {
    if (d !== '.' && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(d)) {
      throw new UsageError(`invalid --dns-search \`${d}\``, 'give a domain name, e.g. --dns-search example.com');
    }
  }
  return values.filter((d) => d !== '.');
}

/** `--security-opt no-new-privileges[=true|false]`; other options are refused rather than ignored. */
export function parseSecurityOpts(opts: readonly string[]): { noNewPrivileges: boolean } {
  let noNewPrivileges = false;
  for (const o of opts) {
    const m = /^no-new-privileges(?:[:=](true|false))?$/.exec(o);
    if (!m) throw new UsageError(`unsupported --security-opt \`${o}\``, 'supported: no-new-privileges');
    noNewPrivileges = m[1] !== 'false';
  }
  return { noNewPrivileges };
}

export function toRunOptions(raw: RawRunFlags, args: string[], hostEnv: NodeJS.ProcessEnv = process.env): RunOptions {
  const env: string[] = [];
  for (const f of raw.envFile ?? []) {
    let text: string;
    try { text = readFileSync(f, 'utf8'); } catch {
      throw new NotFoundError(`env file \`${f}\` cannot be read`, 'check the path given to --env-file');
    }
    env.push(...parseEnvFile(text, f, hostEnv));
  }
  for (const e of raw.env ?? []) env.push(...parseEnvArg(e, hostEnv));
  if (raw.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(raw.name)) {
    throw new UsageError(`invalid container name \`${raw.name}\``, 'names match [a-zA-Z0-9][a-zA-Z0-9_.-]*');
  }
  if (raw.hostname !== undefined && !/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(raw.hostname)) {
    throw new UsageError(`invalid hostname \`${raw.hostname}\``, 'use letters, digits, dots and dashes, at most 64 characters');
  }
  for (const d of raw.dns ?? []) {
    if (nodeNet().isIP(d) === 0) throw new UsageError(`invalid --dns \`${d}\``, 'give an IP address, e.g. --dns 1.1.1.1');
  }
  const net = parseNetwork(raw.network);
  return {
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    args,
    ...(raw.entrypoint !== undefined ? { entrypoint: raw.entrypoint } : {}),
    env,
    ...(raw.workdir !== undefined ? { workdir: raw.workdir } : {}),
    ...(raw.user !== undefined ? { user: raw.user } : {}),
    ...(raw.hostname !== undefined ? { hostname: raw.hostname } : {}),
    interactive: raw.interactive ?? false,
    tty: raw.tty ?? false,
    readOnly: raw.readOnly ?? false,
    rm: raw.rm ?? false,
    mounts: [...(raw.volume ?? []).map((v) => parseVolume(v)), ...(raw.tmpfs ?? []).map(parseTmpfs)],
    network: net.mode,
    privileged: raw.privileged ?? false,
    capAdd: raw.capAdd ?? [],
    capDrop: raw.capDrop ?? [],
    ...parseSecurityOpts(raw.securityOpt ?? []),
    groupAdd: raw.groupAdd ?? [],
    dns: raw.dns ?? [],
    addHosts: (raw.addHost ?? []).map(parseAddHost),
    netRequest: {
      allowHostLoopback: net.allowHostLoopback,
      pastaArgs: net.pastaArgs,
      publish: (raw.publish ?? []).flatMap(parsePublish),
      publishAll: raw.publishAll ?? false,
      dnsSearch: parseDnsSearch(raw.dnsSearch ?? []),
    },
  };
}
