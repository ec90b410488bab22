// Client of slirp4netns's API socket (docs: slirp4netns(1) "API"): one JSON request per connection, one
// JSON reply. Used for add_hostfwd, which keeps the client's source address (libslirp forwards from the
// accepted socket; only loopback clients show up as the gateway 10.0.2.2).
import { NetworkError } from './errors.js';
import type { PortMapping } from './types.js';
import { nodeNet } from '../lazy-builtins.js';

export function slirpRequest(socketPath: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const sock = nodeNet().connect(socketPath);
    let data = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.end(JSON.stringify(request)));
    sock.on('data', (chunk: string) => { data += chunk; });
    sock.on('error', reject);
    sock.on('close', () => {
      try { resolve(JSON.parse(data) as Record<string, unknown>); } catch { reject(new Error(`bad reply \`${data.slice(0, 200)}\``)); }
    });
  });
}

/** Adds one port forward; a bind failure becomes a NetworkError naming the port. */
export async function addHostFwd(socketPath: string, p: PortMapping): Promise<void> {
  const reply = await slirpRequest(socketPath, {
    execute: 'add_hostfwd',
    arguments: { proto: p.protocol, host_addr: p.hostIp, host_port: p.hostPort, guest_port: p.containerPort },
  });
  const error = reply.error as { desc?: string } | undefined;
  if (error) {
    throw new NetworkError(`slirp4netns: cannot publish ${p.hostIp}:${p.hostPort}/${p.protocol}: ${error.desc ?? JSON.stringify(error)}`,
      'the host port may have been taken meanwhile; choose another one');
  }
}
