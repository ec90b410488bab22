// Facts about the host's network that the container's view depends on: its first non-loopback IPv4
// address, its default gateway, and its resolver files. Read-only.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

export function hostAddress(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Default IPv4 gateway from /proc/net/route (little-endian hex). */
export function defaultGateway(routeText = readOr('/proc/net/route')): string | undefined {
  for (const line of (routeText ?? '').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== '00000000' || !f[2] || f[2] === '00000000') continue;
    const n = parseInt(f[2], 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
  }
  return undefined;
}

export function readOr(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}
