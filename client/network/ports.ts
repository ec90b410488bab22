// Parsing of `-p/--publish` and of an image's ExposedPorts (for -P). Pure: every error names the flag value
// and says what form is expected.
import { UsageError } from '../runtime/errors.js';
import type { PortMapping, PortProtocol } from './types.js';
import { nodeNet } from '../lazy-builtins.js';

const HINT = 'use -p [ip:][hostPort:]containerPort[/tcp|udp], e.g. -p 8080:80, -p 127.0.0.1:5353:53/udp, -p 8000-8002:8000-8002';

interface Range { first: number; count: number }

function parseRange(text: string, spec: string, allowZero: boolean): Range {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`invalid port \`${text}\` in -p \`${spec}\``, HINT);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  const min = allowZero ? 0 : 1;
  if (first < min || last > 65535 || last < first) {
    throw new UsageError(`invalid port range \`${text}\` in -p \`${spec}\``, 'ports are 1-65535 and a range is low-high');
  }
  return { first, count: last - first + 1 };
}

/** Splits `ip:host:ctr`, with IPv6 host addresses in brackets (`[::1]:8080:80`). */
function splitSpec(body: string, spec: string): { ip?: string; host?: string; ctr: string } {
  let ip: string | undefined;
  let rest = body;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end < 0) throw new UsageError(`invalid -p \`${spec}\``, HINT);
    ip = rest.slice(1, end);
    rest = rest.slice(end + 2);
    const parts = rest.split(':');
    if (parts.length !== 2) throw new UsageError(`invalid -p \`${spec}\``, HINT);
    return { ip, host: parts[0]!, ctr: parts[1]! };
  }
  const parts = rest.split(':');
  if (parts.length === 1) return { ctr: parts[0]! };
  if (parts.length === 2) return { host: parts[0]!, ctr: parts[1]! };
  if (parts.length === 3) return { ip: parts[0]!, host: parts[1]!, ctr: parts[2]! };
  throw new UsageError(`invalid -p \`${spec}\``, HINT);
}

/** One `-p` value → mappings (a range gives one per port). Host port 0 = random, resolved at run time. */
export function parsePublish(spec: string): PortMapping[] {
  const slash = spec.lastIndexOf('/');
  const hasProto = slash > spec.lastIndexOf(']') && slash > spec.lastIndexOf(':');
  const proto = hasProto ? spec.slice(slash + 1) : 'tcp';
  if (proto !== 'tcp' && proto !== 'udp') {
    throw new UsageError(`unsupported protocol \`${proto}\` in -p \`${spec}\``, 'use tcp or udp');
  }
  const { ip, host, ctr } = splitSpec(hasProto ? spec.slice(0, slash) : spec, spec);
  const hostIp = ip === undefined || ip === '' ? '0.0.0.0' : ip;
  if (nodeNet().isIP(hostIp) === 0) throw new UsageError(`invalid host address \`${hostIp}\` in -p \`${spec}\``, HINT);
  const c = parseRange(ctr, spec, false);
  const h = host === undefined || host === '' ? { first: 0, count: c.count } : parseRange(host, spec, false);
  if (h.count !== c.count && !(h.first === 0 && host === undefined)) {
    throw new UsageError(`host and container port ranges differ in size in -p \`${spec}\``, 'give ranges of the same length, e.g. 8000-8002:80-82');
  }
  const out: PortMapping[] = [];
  for (let i = 0; i < c.count; i++) {
    out.push({ hostIp, hostPort: h.first === 0 ? 0 : h.first + i, containerPort: c.first + i, protocol: proto as PortProtocol });
  }
  return out;
}

/** Image config `ExposedPorts` keys (`80/tcp`, `53/udp`, `8000`) → random-host-port mappings for -P. */
export function exposedToPublish(exposed: Record<string, unknown> | undefined): PortMapping[] {
  const out: PortMapping[] = [];
  for (const key of Object.keys(exposed ?? {})) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/i.exec(key);
    if (!m) continue; // sctp and malformed keys: nothing we can publish
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let p = first; p <= last && p <= 65535; p++) {
      if (p < 1) continue;
      out.push({ hostIp: '0.0.0.0', hostPort: 0, containerPort: p, protocol: (m[3]?.toLowerCase() ?? 'tcp') as PortProtocol });
    }
  }
  return out;
}

/** -p wins over -P for the same container port and protocol (Docker merges them the same way). */
export function mergePublish(explicit: readonly PortMapping[], exposed: readonly PortMapping[]): PortMapping[] {
  const taken = new Set(explicit.map((p) => `${p.containerPort}/${p.protocol}`));
  return [...explicit, ...exposed.filter((p) => !taken.has(`${p.containerPort}/${p.protocol}`))];
}

/** Two mappings that would bind the same host socket. */
export function findDuplicate(ports: readonly PortMapping[]): PortMapping | undefined {
  const seen = new Set<string>();
  for (const p of ports) {
    if (p.hostPort === 0) continue;
    const k = `${p.protocol}:${p.hostPort}`;
    const wild = [`${k}:${p.hostIp}`, `${k}:0.0.0.0`, `${k}:::`];
    if (wild.some((w) => seen.has(w)) || (p.hostIp === '0.0.0.0' && [...seen].some((s) => s.startsWith(`${k}:`)))) return p;
    seen.add(`${k}:${p.hostIp}`);
  }
  return undefined;
}

/** TCP on an IPv4 loopback host address: the mappings slirp4netns leaves to the splice forwarder (port-forwarder/). */
export function isLoopbackTcp(p: PortMapping): boolean {
  return p.protocol === 'tcp' && /^127\.\d+\.\d+\.\d+$/.test(p.hostIp);
}
