// What a container's name resolution looks like, per network mode (pure): the resolv.conf nameservers and
// search list, and the address of `host.containers.internal`. Rule: point at the user-mode network's DNS
// forwarder, except when the host runs a 127.0.0.53-style stub, which no forwarder can reach usefully:
// then use the stub's real upstream servers (systemd-resolved's /run/systemd/resolve/resolv.conf).
import type { NetworkMode } from './types.js';

/** slirp4netns's built-in addresses for the default 10.0.2.0/24 network. */
export const SLIRP = { gateway: '10.0.2.2', dns: '10.0.2.3', guest: '10.0.2.100' } as const;
/** Link-local addresses pasta answers on (Podman 5 uses the same ones). */
export const PASTA = { dns: '169.254.1.1', hostAlias: '169.254.1.2' } as const;

export interface DnsInput {
  mode: NetworkMode;
  allowHostLoopback: boolean;
  dnsSearch: readonly string[];
  hostResolv: string;
  /** /run/systemd/resolve/resolv.conf, when present. */
  upstreamResolv: string | undefined;
  /** The host's first non-loopback IPv4 address, if any. */
  hostAddress: string | undefined;
  /** The host's default IPv4 gateway, if any (pasta copies it into the container). */
  hostGateway: string | undefined;
  pasta: { dnsForward: boolean; mapGuestAddr: boolean };
}

export interface DnsView {
  nameservers: string[];
  search: string[];
  hostGateway?: string;
  dnsForward?: string;
}

export function nameserversOf(resolv: string): string[] {
  return [...resolv.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!);
}

export function searchOf(resolv: string): string[] {
  const lines = [...resolv.matchAll(/^\s*(?:search|domain)\s+(.+)$/gm)];
  return lines.length ? lines[lines.length - 1]![1]!.trim().split(/\s+/) : [];
}

export function isLoopback(ip: string): boolean {
  return /^127\./.test(ip) || ip === '::1';
}

/** Non-loopback upstreams when every host nameserver is a loopback stub; undefined otherwise. */
export function stubUpstreams(hostResolv: string, upstreamResolv: string | undefined): string[] | undefined {
  const host = nameserversOf(hostResolv);
  if (host.length === 0 || !host.every(isLoopback)) return undefined;
  const up = nameserversOf(upstreamResolv ?? '').filter((ip) => !isLoopback(ip));
  return up.length ? up : undefined;
}

export function dnsView(i: DnsInput): DnsView {
  const search = i.dnsSearch.length ? [...i.dnsSearch] : searchOf(i.hostResolv);
  const upstream = stubUpstreams(i.hostResolv, i.upstreamResolv);
  switch (i.mode) {
    case 'none':
      return { nameservers: [], search };
    case 'host':
      return { nameservers: [], search, hostGateway: '127.0.0.1' };
    case 'slirp4netns':
      return {
        nameservers: upstream ?? [SLIRP.dns],
        search,
        // 10.0.2.2 is the host's loopback, closed unless allowed; otherwise the host's own address.
        hostGateway: i.allowHostLoopback ? SLIRP.gateway : (i.hostAddress ?? SLIRP.gateway),
      };
    case 'pasta': {
      const forward = i.pasta.dnsForward && !upstream ? PASTA.dns : undefined;
      // With loopback allowed the gateway address leads to the host's 127.0.0.1 (pasta's gateway mapping);
      // otherwise newer pastas offer an alias for the host's own address.
      const hostGateway = !i.allowHostLoopback && i.pasta.mapGuestAddr ? PASTA.hostAlias : i.hostGateway;
      return {
        nameservers: upstream ?? (forward ? [forward] : nameserversOf(i.hostResolv).filter((ip) => !isLoopback(ip))),
        search,
        ...(hostGateway ? { hostGateway } : {}),
        ...(forward ? { dnsForward: forward } : {}),
      };
    }
  }
}
