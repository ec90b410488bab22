// The parent side of the start handshake — the only place that orders sync points (see the diagram in
// protocol/init-sync.ts). Host-side effects register their undo on the caller's rollback stack as soon as
// they exist; namespace state needs none (killing the init tears it down).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../../log.js';
import type { ContainerLayout } from '../container-store.js';
import { MyctrError } from '../errors.js';
import { hostnameFile, hostsFile, readHostFile, resolvConfFile } from '../etc-files.js';
import type { RollbackStack } from '../rollback.js';
import { planSetupOps } from '../setup/plan.js';
import { chooseRootfsDriver } from '../../image/storage-driver.js';
import type { ContainerSpec } from '../spec.js';
import { spawnInit, type PrespawnedInit } from './init-process.js';
import { SyncChannel, remoteError } from './sync-channel.js';
import { childrenOf } from '../proc.js';
import { failAt, failOpIndex } from './fail-point.js';
import type { HostSpawner } from './host-spawner.js';

export interface LaunchInput {
  spec: ContainerSpec;
  layout: ContainerLayout;
  /** Unpacked image layers, bottom first. */
  layerDirs: string[];
  /** fds 0-2 for the container when it has no terminal. */
  stdio: ['inherit' | 'ignore' | 'pipe' | number, 'inherit' | 'pipe' | 'ignore' | number, 'inherit' | 'pipe' | 'ignore' | number];
  log: Logger;
  rollback: RollbackStack;
  /**
   * Attaches networking to the new network namespace, given a host pid that lives in it (the stage-0
   * process). Runs while the init sets up the rootfs; awaited before the workload may start. The returned
   * handle is stopped when the container exits; the caller registers that. `spawner`: the command's, if it
   * left one, to start the network tool without a fork of this process; released unused after the call.
   */
  attachNetwork?: (nsPid: number, spawner: HostSpawner | undefined) => Promise<NetworkAttachment>;
  /** An init started early (see prespawnInit): used instead of spawning one. Not with a terminal. */
  prespawned?: PrespawnedInit;
  /**
   * Records the container as running with PID 1's host pid; called once, before launchContainer returns and
   * so before the workload may start. It runs while the init sets up when PID 1 is known by then, so that the
   * record's write and fsync are not on the start's path. A throw fails the launch.
   */
  recordRunning?: (hostPid: number) => void;
}

/** A running network attachment (slirp4netns, pasta, …) owned by the container's parent. */
export interface NetworkAttachment {
  stop(): Promise<void>;
}

export interface Launched {
  /** setpriv → unshare: exits with the container's status (or dies of its signal). */
  child: ChildProcess;
  /** Host pid of the container's PID 1 (read from outside the pid namespace, never sent from inside). */
  hostPid: number;
  /** The pty master when the container has a terminal. */
  ptyMaster?: number;
  /** Set when `attachNetwork` was given: stop it after the container exited. */
  network?: NetworkAttachment;
  /** Lets the init exec the workload; resolves once it did, rejects with the exec error (126/127). */
  start(): Promise<void>;
}


function writeEtcFiles(spec: ContainerSpec, runDir: string): { hostname: string; hosts: string; resolvConf: string } {
  const files = { hostname: join(runDir, 'hostname'), hosts: join(runDir, 'hosts'), resolvConf: join(runDir, 'resolv.conf') };
  // The run dir lives on tmpfs: a container created before a reboot starts without one.
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  writeFileSync(files.hostname, hostnameFile(spec));
  writeFileSync(files.hosts, hostsFile(spec, readHostFile('/etc/hosts')));
  writeFileSync(files.resolvConf, resolvConfFile(spec, readHostFile('/etc/resolv.conf')));
  return files;
}

function childPidOf(pid: number): number {
  const first = childrenOf(pid)[0];
  if (first === undefined || !Number.isInteger(first) || first <= 0) throw new MyctrError('MYCTR_INIT_DIED', 'container init is gone');
  return first;
}

export async function launchContainer(input: LaunchInput): Promise<Launched> {
  const { spec, layout, log, rollback } = input;
  const etcFiles = writeEtcFiles(spec, layout.runDir);
  const ops = planSetupOps({
    rootfs: layout.rootfs,
    layers: { lower: input.layerDirs, upper: layout.upper, work: layout.work, copyFallback: layout.copy, ...chooseRootfsDriver() },
    etcFiles,
    mounts: spec.mounts,
    privateNetwork: spec.network !== 'host',
    readOnly: spec.readOnly,
    privileged: spec.privileged,
  });

  let ttyPair: [number, number] | undefined;
  // The FFI is loaded only for terminals: a plain `run` never pays for koffi in the CLI.
  const tty = spec.process.terminal
    ? { ...await import('../../../sys/socket.js'), ...await import('../../../sys/fd.js') }
    : undefined;
  if (tty) {
    const { close } = tty;
    ttyPair = tty.socketpair();
    const pair = ttyPair;
    rollback.defer('close pty socket', () => { close(pair[0]); });
  }
  const stdio: unknown[] = spec.process.terminal ? ['ignore', 'inherit', 'inherit'] : [...input.stdio];
  if (ttyPair) { stdio[3] = 'ignore'; stdio[4] = ttyPair[1]; }

  const hostNetwork = spec.network === 'host';
  if (input.prespawned && (input.prespawned.hostNetwork !== hostNetwork || ttyPair)) {
    throw new MyctrError('MYCTR_INTERNAL', 'the pre-started init does not match the container');
  }
  const spawning = input.prespawned?.stage0 ?? spawnInit({ hostNetwork, stdio });
  // A stage 0 whose handshake fails is killed by spawnStage0 itself; once it is up, the rollback owns it.
  const s0 = await spawning;
  const { child } = s0;
  log.debug({ pid: child.pid }, s0.fromLauncher ? 'stage 0: started by the myctr command' : 'stage 0: started by the CLI');
  rollback.defer('kill container init', () => killAndReap(child));
  rollback.defer('release the command\'s spawner', () => s0.spawner?.release());
  if (ttyPair) tty!.close(ttyPair[1]);
  const chan = new SyncChannel(s0.sync, log);
  failAt('mapping-written');
  const failOp = failOpIndex();
  chan.send({ type: 'config', config: {
    ops, process: { ...spec.process, hostname: spec.hostname }, debug: log.isLevelEnabled('debug'),
    ...(failOp !== undefined ? { failOp } : {}),
    ...(input.prespawned?.nullStdin ? { nullStdin: true } : {}),
  } });
  // Networking is attached while the init sets up the rootfs; it must be up before the workload starts. The
  // config goes first: starting a network tool blocks this process for a while (spawn, a FIFO), and the
  // init should not wait for that.
  const networkPromise = input.attachNetwork?.(child.pid!, s0.spawner).then((n) => {
    rollback.defer('stop network', () => n.stop());
    return n;
  });
  // attachNetwork takes the spawner before its first await, if at all; an unused one ends here (no network
  // tool, or an argv the mapper's shell could not pass on), so that the mapper does not wait until our exit.
  s0.spawner?.release();
  networkPromise?.catch(() => undefined); // handled when awaited below; no unhandled rejection meanwhile
  // PID 1 is stage 0's only child; the shell may not have forked it yet (then it is read after `ready`).
  let hostPid = s0.pid1 ?? childrenOf(child.pid!)[0];
  if (hostPid !== undefined && input.recordRunning) {
    try {
      input.recordRunning(hostPid);
    } catch (err) {
      await networkPromise?.catch(() => undefined); // so that the rollback stops a network that is starting
      throw err;
    }
  }
  await chan.expect('ready');
  failAt('ready');
  const ptyMaster = ttyPair ? tty!.recvFds(ttyPair[0], 1).fds[0] : undefined;
  if (ttyPair && ptyMaster === undefined) throw new MyctrError('MYCTR_PROTOCOL', 'the init sent no terminal');
  if (hostPid === undefined) {
    hostPid = childPidOf(child.pid!);
    input.recordRunning?.(hostPid);
  }
  const network = await networkPromise;

  return {
    child,
    hostPid,
    ...(network ? { network } : {}),
    ...(ptyMaster !== undefined ? { ptyMaster } : {}),
    async start() {
      chan.send({ type: 'start' });
      const m = await chan.next();
      chan.close();
      if (m === null) return;
      if (m.type === 'exec-failed') throw Object.assign(remoteError(m.error), { exitCode: m.exitCode });
      if (m.type === 'error') throw remoteError(m.error);
      throw new MyctrError('MYCTR_PROTOCOL', `unexpected \`${m.type}\` after start`);
    },
  };
}

/** SIGKILL and wait: the pdeath signal and --kill-child take the rest of the tree down. */
export function killAndReap(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
