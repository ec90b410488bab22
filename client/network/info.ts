// What `myctr info` reports about networking: the default mode, each user-mode tool with its version and
// whether it can be used here, /dev/net/tun access and the lowest port a user may publish. Read-only.
import { release } from 'node:os';
import { chooseDefaultMode, pastaInfo, pastaRootProblem, slirp4netnsInfo, tunProblem, unprivilegedPortStart } from './tools.js';

export interface NetworkInfo {
  defaultMode: string;
  /** Why that mode is the default here (e.g. the installed pasta is too old). */
  defaultReason: string;
  modes: { name: string; available: boolean; path?: string; version?: string; problem?: string }[];
  devNetTun: string;
  unprivilegedPortStart: number;
}

export interface HostInfo {
  kernel: string;
  rootless: boolean;
  network: NetworkInfo;
}

export function collectInfo(): HostInfo {
  const slirp = slirp4netnsInfo();
  const pasta = pastaInfo();
  const tun = tunProblem();
  const pastaProblem = pasta.problem ?? pastaRootProblem();
  const choice = chooseDefaultMode(pasta);
  return {
    kernel: release(),
    rootless: process.geteuid?.() !== 0,
    network: {
      defaultMode: choice.mode,
      defaultReason: choice.reason,
      modes: [
        { name: 'pasta', available: !pastaProblem && !tun, ...pick(pasta), ...(pastaProblem ?? tun ? { problem: pastaProblem ?? `/dev/net/tun: ${tun}` } : {}) },
        { name: 'slirp4netns', available: !slirp.problem && !tun, ...pick(slirp), ...(slirp.problem ?? tun ? { problem: slirp.problem ?? `/dev/net/tun: ${tun}` } : {}) },
        { name: 'host', available: true },
        { name: 'none', available: true },
      ],
      devNetTun: tun ? `not accessible (${tun})` : 'ok',
      unprivilegedPortStart: unprivilegedPortStart(),
    },
  };
}

function pick(t: { path?: string; version?: string }): { path?: string; version?: string } {
  return { ...(t.path ? { path: t.path } : {}), ...(t.version ? { version: t.version } : {}) };
}

/** Indented `key: value` text, as `podman info` prints by default. */
export function renderInfo(info: HostInfo): string {
  const n = info.network;
  const lines = [
    'host:', `  kernel: ${info.kernel}`, `  rootless: ${info.rootless}`,
    'network:', `  default: ${n.defaultMode} (${n.defaultReason})`, `  /dev/net/tun: ${n.devNetTun}`,
    `  net.ipv4.ip_unprivileged_port_start: ${n.unprivilegedPortStart}`, '  modes:',
  ];
  for (const m of n.modes) {
    const what = [m.path, m.version ? `version ${m.version}` : undefined].filter(Boolean).join(', ');
    lines.push(`    ${m.name}: ${m.available ? 'available' : 'unavailable'}${what ? ` (${what})` : ''}${m.problem ? ` — ${m.problem}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
