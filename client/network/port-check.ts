// Host-side checks of published ports before anything starts: privileged ports for rootless users, ports
// already taken, and picking free ports for `-p 80` / -P. Binding briefly is the only reliable test; the
// forwarder binds for real moments later (the same window Podman has).
import type { AddressInfo } from 'node:net';
import { ConflictError } from '../runtime/errors.js';
import { NetworkError } from './errors.js';
import type { PortMapping } from './types.js';
import { nodeDgram, nodeNet } from '../lazy-builtins.js';

/** Binds (ip, port, proto) and releases it; resolves with the bound port (the chosen one for port 0). */
export function probeBind(ip: string, port: number, proto: 'tcp' | 'udp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (proto === 'tcp') {
      const srv = nodeNet().createServer();
      srv.once('error', reject);
      srv.listen({ host: ip, port, exclusive: true }, () => {
        const bound = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(bound));
      });
    } else {
      const sock = nodeDgram().createSocket(ip.includes(':') ? 'udp6' : 'udp4');
      sock.once('error', reject);
      sock.bind({ address: ip, port, exclusive: true }, () => {
        const bound = sock.address().port;
        sock.close(() => resolve(bound));
      });
    }
  });
}

function where(p: PortMapping): string {
  return `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}/${p.protocol}`;
}

/** The error for a host port that something else holds (here, and where a forwarder binds it for real). */
export function portInUse(p: PortMapping): ConflictError {
  return new ConflictError(`host port ${where(p)} is already in use`,
    `choose another host port, or stop what listens there (\`ss -lntup | grep ${p.hostPort}\`)`);
}

/** Fails on ports below net.ipv4.ip_unprivileged_port_start (rootless only), picks free ports for 0, and
 *  fails with ConflictError when a requested host port is taken. Returns concrete mappings. */
export async function resolvePorts(ports: readonly PortMapping[], opts: { rootless: boolean; unprivilegedStart: number }): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  for (const p of ports) {
    if (opts.rootless && p.hostPort !== 0 && p.hostPort < opts.unprivilegedStart) {
      throw new NetworkError(`host port ${p.hostPort} is privileged: rootless containers can publish only ports ≥ ${opts.unprivilegedStart}`,
        `publish on a higher host port (e.g. -p ${p.hostPort + 8000}:${p.containerPort}), or let users bind low ports: \`sudo sysctl net.ipv4.ip_unprivileged_port_start=${p.hostPort}\``);
    }
    try {
      const hostPort = await probeBind(p.hostIp, p.hostPort, p.protocol);
      out.push({ ...p, hostPort });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw portInUse(p);
      if (code === 'EADDRNOTAVAIL') {
        throw new NetworkError(`cannot publish on ${where(p)}: the host has no address ${p.hostIp}`, 'use an address of this host, or omit it to publish on all addresses');
      }
      if (code === 'EACCES') {
        throw new NetworkError(`cannot bind host port ${where(p)}: EACCES`,
          `the port is below net.ipv4.ip_unprivileged_port_start; use a higher host port`);
      }
      throw new NetworkError(`cannot bind host port ${where(p)}: ${code ?? String(err)}`, 'choose another host port', err);
    }
  }
  return out;
}
