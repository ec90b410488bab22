// Decides a container's network before it starts (ports resolved and checked, resolver view) and builds
// the attach hook the start sequence calls with the namespace's pid. Nothing here leaves host state behind:
// the only host effect, the helper process, is owned by the returned handle.
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { UsageError } from '../runtime/errors.js';
import { NetworkError } from './errors.js';
import { defaultGateway, hostAddress, readOr } from './host-net.js';
import { dnsView } from './dns.js';
import { attachPasta } from './pasta.js';
import { resolvePorts } from './port-check.js';
import { exposedToPublish, findDuplicate, mergePublish } from './ports.js';
import { attachSlirp4netns } from './slirp4netns.js';
import { pastaInfo, unprivilegedPortStart } from './tools.js';
import type { NetworkHandle } from './handle.js';
import type { HostSpawner } from '../runtime/start/host-spawner.js';
import { emptyNetworkRequest, type NetworkMode, type NetworkRequest, type NetworkSettings } from './types.js';

export async function prepareNetwork(input: {
  mode: NetworkMode;
  request: NetworkRequest | undefined;
  exposedPorts: Record<string, unknown> | undefined;
  rootless: boolean;
  log: Logger;
}): Promise<NetworkSettings> {
  const req = input.request ?? emptyNetworkRequest();
  let wanted = mergePublish(req.publish, req.publishAll ? exposedToPublish(input.exposedPorts) : []);
  if (wanted.length && (input.mode === 'none' || input.mode === 'host')) {
    input.log.warn(`published ports are ignored with --network ${input.mode}`);
    wanted = [];
  }
  const v6 = input.mode === 'slirp4netns' ? wanted.find((p) => p.hostIp.includes(':')) : undefined;
  if (v6) {
    // slirp4netns's add_hostfwd takes IPv4 host addresses only ("bad arguments.host_addr").
    throw new NetworkError(`slirp4netns cannot publish on the IPv6 host address ${v6.hostIp}`,
      'publish on an IPv4 address (or all addresses: omit the address), or use --network pasta');
  }
  const dup = findDuplicate(wanted);
  if (dup) throw new UsageError(`host port ${dup.hostPort}/${dup.protocol} is published twice`, 'give each -p its own host port');
  const ports = wanted.length ? await resolvePorts(wanted, { rootless: input.rootless, unprivilegedStart: unprivilegedPortStart() }) : [];
  if (input.mode === 'pasta' && !pastaInfo().features.mapGuestAddr && ports.some((p) => p.protocol === 'udp')) {
    input.log.warn('this pasta version does not return replies to published UDP ports; use --network slirp4netns for UDP');
  }
  const pasta = input.mode === 'pasta' ? pastaInfo().features : { dnsForward: false, mapGuestAddr: false };
  const hostResolv = readOr('/etc/resolv.conf') ?? '';
  // The host's addresses and upstream servers only matter to the user-mode networks (dnsView); a plain run
  // with --network none or host skips their reads.
  const userMode = input.mode === 'slirp4netns' || input.mode === 'pasta';
  const view = dnsView({
    mode: input.mode, allowHostLoopback: req.allowHostLoopback, dnsSearch: req.dnsSearch,
    hostResolv, upstreamResolv: userMode ? readOr('/run/systemd/resolve/resolv.conf') : undefined,
    hostAddress: input.mode === 'slirp4netns' ? hostAddress() : undefined,
    hostGateway: input.mode === 'pasta' ? defaultGateway() : undefined, pasta,
  });
  return { allowHostLoopback: req.allowHostLoopback, pastaArgs: req.pastaArgs, ports, ...view };
}

/** The start sequence's attachNetwork hook for user-mode modes; undefined for none/host. */
export function networkAttacher(mode: NetworkMode, net: NetworkSettings, o: { runDir: string; runRoot: string; id: string; rootless: boolean; log: Logger }):
  ((nsPid: number, spawner?: HostSpawner) => Promise<NetworkHandle>) | undefined {
  if (mode === 'slirp4netns') {
    return (nsPid, spawner) => {
      const attached = attachSlirp4netns(nsPid, { socketDir: join(o.runRoot, 'net'), name: o.id.slice(0, 16), userns: o.rootless, net, spawner });
      if (spawner) o.log.debug(spawner.used ? 'slirp4netns: started by the myctr command\'s mapper' : 'slirp4netns: started by the CLI');
      return attached;
    };
  }
  if (mode === 'pasta') return (nsPid) => attachPasta(nsPid, { runDir: o.runDir, userns: o.rootless, net });
  return undefined;
}
