// The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, written on the host and bind-mounted in.
import { readFileSync } from 'node:fs';
import type { ContainerSpec } from './spec.js';

export function hostnameFile(spec: ContainerSpec): string {
  return `${spec.hostname}\n`;
}

export function hostsFile(spec: ContainerSpec, hostHosts: string): string {
  const extra = spec.addHosts.map((h) => `${h.ip}\t${h.name}\n`).join('');
  if (spec.network === 'host') return hostHosts + (hostHosts.endsWith('\n') || !hostHosts ? '' : '\n') + extra;
  return '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
    `127.0.1.1\t${spec.hostname}\n` + extra;
}

/** --dns wins; otherwise the host's resolvers, minus loopback ones that a private network cannot reach. */
export function resolvConfFile(spec: ContainerSpec, hostResolv: string): string {
  if (spec.dns.length > 0) return spec.dns.map((d) => `nameserver ${d}\n`).join('');
  if (spec.network === 'host') return hostResolv;
  return hostResolv.split('\n')
    .filter((l) => !/^\s*nameserver\s+(127\.|::1\b)/.test(l))
    .join('\n');
}

export function readHostFile(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}
