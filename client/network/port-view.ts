// `myctr port CONTAINER [PRIVATE[/PROTO]]`: the published ports recorded in the container's config, shown
// while it runs (as `docker port`). Read-only.
import type { MyctrPaths } from '../paths.js';
import { ContainerStore } from '../runtime/container-store.js';
import { NotFoundError, UsageError } from '../runtime/errors.js';
import { formatPort, type PortMapping } from './types.js';

export function filterPorts(ports: readonly PortMapping[], privatePort: string | undefined): PortMapping[] {
  if (privatePort === undefined) return [...ports];
  const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(privatePort);
  if (!m) throw new UsageError(`invalid port \`${privatePort}\``, 'use PORT or PORT/tcp|udp, e.g. 80/tcp');
  const port = Number(m[1]);
  const proto = m[2] ?? 'tcp';
  const out = ports.filter((p) => p.containerPort === port && p.protocol === proto);
  if (out.length === 0) throw new NotFoundError(`no public port \`${port}/${proto}\` published`, '`myctr port CONTAINER` lists what is published');
  return out;
}

export function portLines(paths: MyctrPaths, ref: string, privatePort: string | undefined): string[] {
  const store = new ContainerStore(paths);
  const id = store.resolve(ref);
  const state = store.loadState(id);
  if (state?.status !== 'running') return [];
  const ports = store.loadConfig(id).net?.ports ?? [];
  return filterPorts(ports, privatePort).map((p) => (privatePort === undefined ? formatPort(p) : formatPort(p).split(' -> ')[1]!));
}
