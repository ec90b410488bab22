// `--network` values: none | host | slirp4netns[:opts] | pasta[:opts]. Pure; the default mode is decided by
// the caller (tools.ts knows what is installed). Unknown options are refused rather than ignored.
import { UsageError } from '../runtime/errors.js';
import type { NetworkMode } from './types.js';

export interface ParsedNetwork {
  mode: NetworkMode;
  allowHostLoopback: boolean;
  pastaArgs: string[];
}

const MODES_HINT = 'use --network none, host, slirp4netns[:allow_host_loopback=true] or pasta[:--map-gw]';
/** pasta options a user may add; the rest (namespaces, pid file, port specs) are myctr's to set. */
const PASTA_PASSTHROUGH = /^(-4|-6|--ipv4-only|--ipv6-only|--mtu=\d+|-m=?\d+|--no-icmp|--no-ndp|--no-dhcpv6|--no-ra)$/;

function parseBool(key: string, value: string | undefined, mode: string): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`invalid value \`${value}\` for \`${key}\` in --network ${mode}`, 'use true or false');
}

function slirpOptions(opts: string[], raw: string): ParsedNetwork {
  let allowHostLoopback = false;
  for (const o of opts) {
    const [key, value] = o.split('=', 2) as [string, string | undefined];
    if (key === 'allow_host_loopback') allowHostLoopback = parseBool(key, value, raw);
    else if (key === 'port_handler' && value === 'slirp4netns') { /* the only handler: it keeps client addresses */ }
    else throw new UsageError(`unsupported slirp4netns option \`${o}\``, 'supported: allow_host_loopback=true|false, port_handler=slirp4netns');
  }
  return { mode: 'slirp4netns', allowHostLoopback, pastaArgs: [] };
}

function pastaOptions(opts: string[]): ParsedNetwork {
  let allowHostLoopback = false;
  const pastaArgs: string[] = [];
  for (const o of opts) {
    if (o === '--map-gw' || o === 'allow_host_loopback=true') allowHostLoopback = true;
    else if (o === '--no-map-gw' || o === 'allow_host_loopback=false') allowHostLoopback = false;
    else if (PASTA_PASSTHROUGH.test(o)) pastaArgs.push(o);
    else throw new UsageError(`unsupported pasta option \`${o}\``, 'supported: --map-gw (reach the host\'s loopback), -4, -6, --mtu=N; publish ports with -p');
  }
  return { mode: 'pasta', allowHostLoopback, pastaArgs };
}

/** Parses a --network value; `undefined` gives `defaultMode`. */
export function parseNetworkMode(value: string | undefined, defaultMode: NetworkMode): ParsedNetwork {
  const raw = value ?? defaultMode;
  const i = raw.indexOf(':');
  const name = i < 0 ? raw : raw.slice(0, i);
  const opts = i < 0 ? [] : raw.slice(i + 1).split(',').filter(Boolean);
  if ((name === 'none' || name === 'host') && opts.length === 0) return { mode: name, allowHostLoopback: false, pastaArgs: [] };
  if (name === 'slirp4netns') return slirpOptions(opts, raw);
  if (name === 'pasta') return pastaOptions(opts);
  if (name === 'bridge' || name === 'private') {
    throw new UsageError(`network mode \`${raw}\` needs the root helper, which is not available yet`, MODES_HINT);
  }
  throw new UsageError(`unknown network mode \`${raw}\``, MODES_HINT);
}
