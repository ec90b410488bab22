// The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, written on the host and bind-mounted in.
import { readFileSync } from 'node:fs';
import type { ContainerSpec } from './spec.js';

export function hostnameFile(spec: ContainerSpec): string {
  return `${spec.hostname}\n`;
}

/** --add-host lines (`host-gateway` → the host's address as the network sees it), then host.containers.internal. */
function extraHosts(spec: ContainerSpec): string {
  const gw = spec.net?.hostGateway;
  const lines = spec.addHosts.map((h) => `${h.ip === 'host-gateway' ? (gw ?? '127.0.0.1') : h.ip}\t${h.name}\n`);
  if (gw && spec.network !== 'host') lines.push(`${gw}\thost.containers.internal host.docker.internal\n`);
  return lines.join('');
}

export function hostsFile(spec: ContainerSpec, hostHosts: string): string {
  const extra = extraHosts(spec);
  if (spec.network === 'host') return hostHosts + (hostHosts.endsWith('\n') || !hostHosts ? '' : '\n') + extra;
  return '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
    `127.0.1.1\t${spec.hostname}\n` + extra;
}

/** --dns wins; otherwise the host's resolvers, minus loopback ones that a private network cannot reach. */
export function resolvConfFile(spec: ContainerSpec, hostResolv: string): string {
  const search = spec.net?.search.length ? `search ${spec.net.search.join(' ')}\n` : '';
  if (spec.dns.length > 0) return search + spec.dns.map((d) => `nameserver ${d}\n`).join('');
  if (spec.network === 'host') return hostResolv;
  // User-mode networks: their forwarder, or the real upstreams behind a host stub (client/network/dns.ts).
  if (spec.net?.nameservers.length) return search + spec.net.nameservers.map((d) => `nameserver ${d}\n`).join('');
  return hostResolv.split('\n')
    .filter((l) => !/^\s*nameserver\s+(127\.|::1\b)/.test(l))
    .join('\n');
}

export function readHostFile(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}
