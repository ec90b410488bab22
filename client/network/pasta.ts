// Attaches pasta (package passt) to a container's network namespace. pasta copies the host's addresses and
// routes into the namespace and forwards published ports from host sockets, so clients keep their
// addresses. It runs in the foreground as our child (under `setpriv --pdeathsig KILL`, so our death ends
// it) and signals readiness by writing its pid file, which is a FIFO we read.
import type { ChildProcess } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { NetworkError, tunError } from './errors.js';
import { stopChild, type NetworkHandle } from './handle.js';
import { pastaInfo, pastaRootProblem, tunProblem, type PastaInfo } from './tools.js';
import type { NetworkSettings, PortMapping } from './types.js';
import { PASTA } from './dns.js';
import { childProcess, nodeNet } from '../lazy-builtins.js';
import { removeSync } from '../storage/remove.js';

/** `-t`/`-u` values: `[addr/]host:ctr`; no address means every host address (IPv4 and IPv6). */
export function pastaPortArgs(ports: readonly PortMapping[]): string[] {
  const out: string[] = [];
  for (const proto of ['tcp', 'udp'] as const) {
    const flag = proto === 'tcp' ? '-t' : '-u';
    const mine = ports.filter((p) => p.protocol === proto);
    if (mine.length === 0) out.push(flag, 'none');
    for (const p of mine) {
      const addr = p.hostIp === '0.0.0.0' ? '' : `${p.hostIp}/`;
      out.push(flag, `${addr}${p.hostPort}:${p.containerPort}`);
    }
  }
  return out;
}

export function pastaArgv(o: { nsPid: number; userns: boolean; net: NetworkSettings; pidFile: string; features: PastaInfo['features'] }): string[] {
  const { net, features } = o;
  return [
    '--config-net', '--quiet', '--foreground',
    ...pastaPortArgs(net.ports),
    // Nothing from inside reaches the host's ports unless asked; no automatic ns → host forwarding.
    '-T', 'none', '-U', 'none',
    ...(net.allowHostLoopback || !features.noMapGw ? [] : ['--no-map-gw']),
    ...(features.mapGuestAddr && !net.allowHostLoopback ? ['--map-guest-addr', PASTA.hostAlias] : []),
    ...(net.dnsForward ? ['--dns-forward', net.dnsForward] : []),
    ...net.pastaArgs,
    '-P', o.pidFile,
    '--netns', `/proc/${o.nsPid}/ns/net`,
    ...(o.userns ? ['--userns', `/proc/${o.nsPid}/ns/user`] : []),
  ];
}

function makeFifo(path: string): Socket {
  removeSync(path);
  const r = childProcess().spawnSync('mkfifo', ['-m', '0600', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new NetworkError(`mkfifo \`${path}\`: ${r.stderr?.trim() || r.error?.message}`, 'check that the run directory is writable');
  // O_RDWR keeps a writer on our side, so reads never see EOF before pasta has written.
  return new (nodeNet().Socket)({ fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
}

function waitReady(child: ChildProcess, fifo: Socket, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      fifo.off('data', onData);
      const why = stderr().trim().split('\n').filter((l) => l && !/^Failed to send \d+ bytes to syslog/.test(l)).pop();
      reject(new NetworkError(`pasta failed: ${why ?? `exit ${code ?? signal}`}`, 'run with --log-level debug for details, or use --network slirp4netns|none'));
    };
    const onData = (b: Buffer) => {
      text += b.toString();
      if (!text.includes('\n')) return;
      child.off('exit', onExit);
      fifo.off('data', onData);
      resolve();
    };
    child.once('exit', onExit);
    fifo.on('data', onData);
  });
}

export async function attachPasta(nsPid: number, o: { runDir: string; userns: boolean; net: NetworkSettings }): Promise<NetworkHandle> {
  const info = pastaInfo();
  if (info.problem || !info.path) {
    throw new NetworkError(info.problem ?? 'pasta is not installed', 'install a newer passt package, or use --network slirp4netns|none');
  }
  const asRoot = pastaRootProblem();
  if (asRoot) throw new NetworkError(asRoot, 'use --network slirp4netns (the default for root with this pasta), or a newer passt');
  const tun = tunProblem();
  if (tun) throw tunError(tun);
  const pidFile = join(o.runDir, 'pasta.pid');
  const fifo = makeFifo(pidFile);
  const argv = pastaArgv({ nsPid, userns: o.userns, net: o.net, pidFile, features: info.features });
  const child = childProcess().spawn('setpriv', ['--pdeathsig', 'KILL', '--', info.path, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => { err += b.toString(); if (err.length > 8192) err = err.slice(-4096); });
  const cleanupFifo = () => { fifo.destroy(); removeSync(pidFile); };
  const handle: NetworkHandle = {
    kind: 'pasta',
    pids: () => (child.pid !== undefined && child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    ports: o.net.ports,
    async stop() {
      cleanupFifo();
      await stopChild(child, 2000);
    },
  };
  try {
    await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
    await waitReady(child, fifo, () => err);
    cleanupFifo();
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}
