// Attaches slirp4netns to a container's network namespace: tap0 configured (10.0.2.100/24, gateway 10.0.2.2,
// DNS 10.0.2.3), ports published through its API socket. Its lifetime is tied to an exit fd we hold: closing
// it (stop(), or our death) makes slirp4netns quit, so a killed CLI leaves no slirp4netns behind. It is
// spawned by this process, or exec'd by the `myctr` command's mapper when the command left one (a rootless
// foreground run): that saves this process a fork on the way to the workload's start (host-spawner.ts).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
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
import type { HostProgram, HostSpawner } from '../runtime/start/host-spawner.js';
import { readOr } from './host-net.js';

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

/** slirp4netns running for a container, however it was started. */
interface SlirpProcess {
  pids(): number[];
  /** Resolves once it wrote to its ready fd; rejects when it exits (or fails to start) first. */
  ready: Promise<void>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Closes its exit fd; resolves once it exited (SIGKILLed after 2 s). */
  stop(): Promise<void>;
}

/** Spawned by this process: fd 3 is the exit fd (EOF when we close our end or die), fd 4 the ready fd. */
function spawnSlirp(path: string, argv: string[]): SlirpProcess {
  const child = childProcess().spawn(path, argv, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => { err += b.toString(); if (err.length > 8192) err = err.slice(-4096); });
  const readyFd = child.stdio[4] as Socket;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`exit ${code ?? signal}`)));
    readyFd.once('data', () => { readyFd.destroy(); resolve(); });
  });
  ready.catch(() => undefined); // awaited by the caller; no unhandled rejection if it stops first
  return {
    pids: () => (child.pid !== undefined && child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    ready,
    stderr: () => err,
    async stop() {
      (child.stdio[3] as Socket | null)?.destroy();
      await stopChild(child, 2000);
    },
  };
}

/** Exec'd by the `myctr` command's mapper for us (host-spawner.ts), with the same fds 3 and 4. */
function slirpFromLauncher(program: HostProgram, stderrFile: string): SlirpProcess {
  let running = true;
  void program.exited.then(() => { running = false; });
  return {
    pids: () => (running ? [program.pid] : []),
    ready: program.ready,
    stderr: () => readOr(stderrFile) ?? '',
    stop: () => program.stop(2000),
  };
}

/** Removes the API sockets and stderr files (<id>.<owner pid>.sock|err) of owners that are gone: killed ones. */
function sweepStale(dir: string): void {
  for (const name of readdirSync(dir)) {
    const owner = /^[0-9a-f]+\.(\d+)\.(?:sock|err)$/.exec(name)?.[1];
    if (owner !== undefined && !existsSync(`/proc/${owner}`)) removeSync(join(dir, name));
  }
}

/** The error for a slirp4netns that did not get ready: the last lines of its stderr, or `why`. */
function slirpFailure(stderr: string, why: unknown): NetworkError {
  const lines = stderr.trim().split('\n').filter((l) => l && !/experimental|^sent tapfd|^received tapfd/.test(l));
  const detail = lines.slice(-2).join('; ') || (why instanceof Error ? why.message : String(why));
  return new NetworkError(`slirp4netns failed: ${detail}`, 'run with --log-level debug for details, or use --network pasta|none');
}

export async function attachSlirp4netns(nsPid: number, o: { socketDir: string; name: string; userns: boolean; net: NetworkSettings; spawner?: HostSpawner | undefined }): Promise<NetworkHandle> {
  const info = slirp4netnsInfo();
  if (info.problem || !info.path) {
    throw new NetworkError(info.problem ?? 'slirp4netns is not installed', 'install it (`apt-get install slirp4netns`), or use --network pasta|none');
  }
  const tun = tunProblem();
  if (tun) throw tunError(tun);
  // A unix socket path has at most 107 bytes: <runRoot>/containers/<64 hex>/… is too long, hence a short dir.
  mkdirSync(o.socketDir, { recursive: true, mode: 0o700 });
  sweepStale(o.socketDir);
  // Named with our pid too: slirp4netns cannot unlink its socket from its sandbox, so a killed owner's stays
  // until the next attach removes it (sweepStale).
  const apiSocket = join(o.socketDir, `${o.name}.${process.pid}.sock`);
  if (Buffer.byteLength(apiSocket) > 107) {
    throw new NetworkError(`slirp4netns API socket path \`${apiSocket}\` is too long for a unix socket`, 'use a shorter MYCTR_RUNROOT or XDG_RUNTIME_DIR');
  }
  removeSync(apiSocket);
  const argv = slirpArgv({ nsPid, userns: o.userns, allowHostLoopback: o.net.allowHostLoopback, apiSocket });
  const stderrFile = join(o.socketDir, `${o.name}.${process.pid}.err`);
  const program = o.spawner?.exec([info.path, ...argv], stderrFile);
  const slirp = program ? slirpFromLauncher(program, stderrFile) : spawnSlirp(info.path, argv);
  let forwarder: PortForwarder | undefined;
  const handle: NetworkHandle = {
    kind: 'slirp4netns',
    pids: () => [...slirp.pids(), ...(forwarder?.pid() !== undefined ? [forwarder.pid()!] : [])],
    ports: o.net.ports,
    async stop() {
      await forwarder?.stop();
      await slirp.stop();
      removeSync(apiSocket);
      if (program) removeSync(stderrFile);
    },
  };
  try {
    // TCP ports on a host loopback address skip libslirp (port-forwarder/host.ts). Loaded only when needed: it
    // brings the FFI into this process.
    const loopback = o.net.ports.filter(isLoopbackTcp);
    if (loopback.length) {
      const { startPortForwarder } = await import('./port-forwarder/host.js');
      forwarder = await startPortForwarder(nsPid, { userns: o.userns, ports: loopback, label: apiSocket, ifaceAddr: SLIRP.guest });
    }
    await slirp.ready.catch((err: unknown) => { throw slirpFailure(slirp.stderr(), err); });
    for (const p of o.net.ports) if (!isLoopbackTcp(p)) await addHostFwd(apiSocket, p);
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}
