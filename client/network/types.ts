// Network data shared by the CLI, the spec and the attachments: modes, published ports, what a container's
// network looks like from inside (addresses for /etc/hosts and /etc/resolv.conf). Pure types.

/** `--network`: none = loopback only; host = the host's namespace; the user-mode ones get a tap device. */
export type NetworkMode = 'none' | 'host' | 'slirp4netns' | 'pasta';

export type PortProtocol = 'tcp' | 'udp';

/** One published port. `hostPort` 0 means "pick a free one" until the run resolves it. */
export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
}

/** What the user asked for on the command line, beside the mode. */
export interface NetworkRequest {
  /** slirp4netns:allow_host_loopback=true, pasta:--map-gw: the host's 127.0.0.1 is reachable from inside. */
  allowHostLoopback: boolean;
  /** Extra pasta options after `pasta:` (passed through after validation). */
  pastaArgs: string[];
  publish: PortMapping[];
  /** -P: publish every port the image EXPOSEs on a random host port. */
  publishAll: boolean;
  dnsSearch: string[];
}

/** Decided before the container starts; persisted in its config.json (`spec.net`). */
export interface NetworkSettings {
  allowHostLoopback: boolean;
  pastaArgs: string[];
  /** Resolved: every host port is concrete. */
  ports: PortMapping[];
  /** resolv.conf contents; empty lists mean "leave it to the generic rules". */
  nameservers: string[];
  search: string[];
  /** What `host.containers.internal` resolves to; undefined when the mode has no such address. */
  hostGateway?: string;
  /** The DNS forwarder address pasta must answer on (only for pasta with a forwarder). */
  dnsForward?: string;
}

export function emptyNetworkRequest(): NetworkRequest {
  return { allowHostLoopback: false, pastaArgs: [], publish: [], publishAll: false, dnsSearch: [] };
}

/** `80/tcp -> 0.0.0.0:8080`, as `docker port` prints. */
export function formatPort(p: PortMapping): string {
  const ip = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${p.containerPort}/${p.protocol} -> ${ip}:${p.hostPort}`;
}
