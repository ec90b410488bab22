// What user-mode networking this host offers: slirp4netns and pasta (found in PATH or the sbin dirs, with
// the features their --help lists) and whether /dev/net/tun can be opened. Cached per process; used to
// pick the default mode, to fail early with a clear error, and by `myctr info`. What the tools' --help says
// is also cached on disk per binary (tool-cache.ts): probing spawns them, which cost run -d up to ~0.5 s.
import { accessSync, closeSync, constants, openSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { resolvePaths } from '../paths.js';
import { cachedProbe } from './tool-cache.js';
import type { NetworkMode } from './types.js';
import { childProcess } from '../lazy-builtins.js';

export interface ToolInfo {
  path?: string;
  version?: string;
  /** Why it cannot be used (missing, too old); undefined when usable. */
  problem?: string;
}

export interface PastaInfo extends ToolInfo {
  /** Options this build knows (Debian 12 ships a March 2023 snapshot without the --map-* family). */
  features: { mapGuestAddr: boolean; mapHostLoopback: boolean; noMapGw: boolean; dnsForward: boolean };
}

/** Finds an executable in $PATH, then in the sbin dirs a non-root PATH often lacks. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

function runText(path: string, args: string[]): string {
  const r = childProcess().spawnSync(path, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
  // pasta prints "Failed to send … to syslog" between lines when no syslog socket exists.
  return `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').filter((l) => !/^Failed to send \d+ bytes to syslog/.test(l)).join('\n');
}

/** The probe cache (tool-cache.ts) of this user's run root. */
function cacheFile(): string {
  return join(resolvePaths().runRoot, 'net', 'tools.json');
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
const isToolInfo = (v: unknown): v is ToolInfo => isObject(v) && typeof v.path === 'string';
const isPastaInfo = (v: unknown): v is PastaInfo => isToolInfo(v) && isObject((v as { features?: unknown }).features);

let slirpCache: ToolInfo | undefined;
export function slirp4netnsInfo(): ToolInfo {
  if (slirpCache) return slirpCache;
  const path = findExecutable('slirp4netns');
  if (!path) return (slirpCache = { problem: 'slirp4netns is not installed' });
  return (slirpCache = cachedProbe(cacheFile(), 'slirp4netns', path, isToolInfo, () => probeSlirp4netns(path)));
}

function probeSlirp4netns(path: string): ToolInfo {
  const m = /slirp4netns version (\S+)/.exec(runText(path, ['--version']));
  const help = runText(path, ['--help']);
  const problem = help.includes('--userns-path') && help.includes('--api-socket') ? undefined : `${path} is too old (no --userns-path/--api-socket)`;
  return { path, ...(m ? { version: m[1]! } : {}), ...(problem ? { problem } : {}) };
}

let pastaCache: PastaInfo | undefined;
export function pastaInfo(): PastaInfo {
  if (pastaCache) return pastaCache;
  const path = findExecutable('pasta');
  if (!path) {
    const none = { mapGuestAddr: false, mapHostLoopback: false, noMapGw: false, dnsForward: false };
    return (pastaCache = { problem: 'pasta is not installed (Debian package passt)', features: none });
  }
  return (pastaCache = cachedProbe(cacheFile(), 'pasta', path, isPastaInfo, () => probePasta(path)));
}

function probePasta(path: string): PastaInfo {
  const help = runText(path, ['--help']);
  const v = /^pasta (\S+(?: \S+)?)/m.exec(runText(path, ['--version']))?.[1];
  const version = v === 'unknown version' ? undefined : v; // Debian 12's snapshot prints this
  const features = {
    mapGuestAddr: help.includes('--map-guest-addr'),
    mapHostLoopback: help.includes('--map-host-loopback'),
    noMapGw: help.includes('--no-map-gw'),
    dnsForward: help.includes('--dns-forward'),
  };
  const required = ['--config-net', '--netns', '--userns', '--tcp-ns', '--foreground'];
  const missing = required.filter((o) => !help.includes(o));
  const problem = missing.length ? `${path} is too old (its --help lacks ${missing.join(', ')})` : undefined;
  return { path, ...(version ? { version } : {}), features, ...(problem ? { problem } : {}) };
}

/** undefined when /dev/net/tun opens read-write for this user; otherwise the errno code. */
export function tunProblem(): string | undefined {
  try {
    closeSync(openSync('/dev/net/tun', constants.O_RDWR));
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** Early pastas (no --map-guest-addr, e.g. Debian 12's) cannot open a namespace given by path when run as
 *  root: they switch to `nobody` first ("Couldn't open network namespace"). */
export function pastaRootProblem(): string | undefined {
  const p = pastaInfo();
  if (process.geteuid?.() !== 0 || p.features.mapGuestAddr) return undefined;
  return `this pasta${p.version ? ` (${p.version})` : ''} cannot attach to a container as root: it drops to \`nobody\` before opening the namespace`;
}

/** pasta when installed and new enough, else slirp4netns (whose absence start-up then reports), with the
 *  reason in words for `myctr info`. "New enough" is a pasta with --map-guest-addr (2024+): the March 2023
 *  snapshot in Debian 12 loses the replies to published UDP ports and cannot run as root, so there
 *  slirp4netns is the better default (as Podman 4). Pure. */
export function chooseDefaultMode(p: PastaInfo): { mode: NetworkMode; reason: string } {
  if (p.problem !== undefined) return { mode: 'slirp4netns', reason: p.problem };
  if (!p.features.mapGuestAddr) {
    return { mode: 'slirp4netns', reason: `this pasta${p.version ? ` (${p.version})` : ''} predates --map-guest-addr (2024): ` +
      'it loses the replies to published UDP ports and cannot attach as root' };
  }
  return { mode: 'pasta', reason: 'pasta is installed and has --map-guest-addr' };
}

export function defaultNetworkMode(): NetworkMode {
  return chooseDefaultMode(pastaInfo()).mode;
}

/** net.ipv4.ip_unprivileged_port_start (1024 when unreadable: the kernel default). */
export function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}
