// Attaches slirp4netns to a container's network namespace: tap0 configured (10.0.2.100/24, gateway 10.0.2.2,
// DNS 10.0.2.3), ports published through its API socket. Its lifetime is tied to an exit fd we hold: closing
// it (stop(), or our death) makes slirp4netns quit, so a killed CLI leaves no slirp4netns behind.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { removeSync } from '../storage/remove.js';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { addHostFwd } from './slirp-api.js';
import { NetworkError, tunError } from './errors.js';
import { slirp4netnsInfo, tunProblem } from './tools.js';
import type { NetworkSettings } from './types.js';
import { stopChild, type NetworkHandle } from './handle.js';
import type { PortForwarder } from './port-forwarder/host.js';
import { isLoopbackTcp } from './ports.js';
import { SLIRP } from './dns.js';
import { childProcess } from '../lazy-builtins.js';

export function slirpArgv(o: { nsPid: number; userns: boolean; allowHostLoopback: boolean; apiSocket: string }): string[] {
  return [
    '--configure', '--mtu=65520',
    ...(o.allowHostLoopback ? [] : ['--disable-host-loopback']),
    '--enable-sandbox', '--enable-seccomp',
    '--exit-fd=3', '--ready-fd=4',
    `--api-socket=${o.apiSocket}`,
    ...(o.userns ? [`--userns-path=/proc/${o.nsPid}/ns/user`] : []),
    String(o.nsPid), 'tap0',
  ];
}

/** Resolves once slirp4netns wrote to the ready fd; rejects with its stderr if it exits first. */
function waitReady(child: ChildProcess, stderr: () => string): Promise<void> {
  const ready = child.stdio[4] as Socket;
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const lines = stderr().trim().split('\n').filter((l) => l && !/experimental|^sent tapfd|^received tapfd/.test(l));
      const why = lines.slice(-2).join('; ') || `exit ${code ?? signal}`;
      reject(new NetworkError(`slirp4netns failed: ${why}`, 'run with --log-level debug for details, or use --network pasta|none'));
    };
    child.once('exit', onExit);
    ready.once('data', () => { child.off('exit', onExit); ready.destroy(); resolve(); });
  });
}

export async function attachSlirp4netns(nsPid: number, o: { socketDir: string; name: string; userns: boolean; net: NetworkSettings }): Promise<NetworkHandle> {
  const info = slirp4netnsInfo();
  if (info.problem || !info.path) {
    throw new NetworkError(info.problem ?? 'slirp4netns is not installed', 'install it (`apt-get install slirp4netns`), or use --network pasta|none');
  }
  const tun = tunProblem();
  if (tun) throw tunError(tun);
  // A unix socket path has at most 107 bytes: <runRoot>/containers/<64 hex>/… is too long, hence a short dir.
  mkdirSync(o.socketDir, { recursive: true, mode: 0o700 });
  const apiSocket = join(o.socketDir, `${o.name}.sock`);
  if (Buffer.byteLength(apiSocket) > 107) {
    throw new NetworkError(`slirp4netns API socket path \`${apiSocket}\` is too long for a unix socket`, 'use a shorter MYCTR_RUNROOT or XDG_RUNTIME_DIR');
  }
  removeSync(apiSocket);
  const argv = slirpArgv({ nsPid, userns: o.userns, allowHostLoopback: o.net.allowHostLoopback, apiSocket });
  // fd 3: exit fd (EOF when we close our end or die); fd 4: ready fd. Both are socketpairs from Node.
  const child = childProcess().spawn(info.path, argv, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => { err += b.toString(); if (err.length > 8192) err = err.slice(-4096); });
  let forwarder: PortForwarder | undefined;
  const handle: NetworkHandle = {
    kind: 'slirp4netns',
    pids: () => [
      ...(child.pid !== undefined && child.exitCode === null && child.signalCode === null ? [child.pid] : []),
      ...(forwarder?.pid() !== undefined ? [forwarder.pid()!] : []),
    ],
    ports: o.net.ports,
    async stop() {
      await forwarder?.stop();
      (child.stdio[3] as Socket | null)?.destroy();
      await stopChild(child, 2000);
      removeSync(apiSocket);
    },
  };
  try {
    await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
    // TCP ports on a host loopback address skip libslirp (port-forwarder/host.ts). Loaded only when needed: it
    // brings the FFI into this process.
    const loopback = o.net.ports.filter(isLoopbackTcp);
    if (loopback.length) {
      const { startPortForwarder } = await import('./port-forwarder/host.js');
      forwarder = await startPortForwarder(nsPid, { userns: o.userns, ports: loopback, label: apiSocket, ifaceAddr: SLIRP.guest });
    }
    await waitReady(child, () => err);
    for (const p of o.net.ports) if (!isLoopbackTcp(p)) await addHostFwd(apiSocket, p);
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}
