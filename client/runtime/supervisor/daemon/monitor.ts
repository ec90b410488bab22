// One supervised container inside the supervisor: launches it through the shared start sequence with its
// output piped into the json-file log, records running/exited state atomically, stops it, and applies the
// restart policy. A start asked by a CLI runs under the container's lock (daemon/main.ts); stop and remove wait
// for a start in progress (a restart of the policy included), so that neither misses the container it brings up.
import type { ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { ReadStream } from 'node:tty';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImageStore } from '../../../image/store.js';
import type { Logger } from '../../../log.js';
import { networkAttacher } from '../../../network/prepare.js';
import { isRoot } from '../../../paths.js';
import { bootId, type ContainerState, type ContainerStore } from '../../container-store.js';
import { MyctrError, messageOf } from '../../errors.js';
import { RollbackStack } from '../../rollback.js';
import { exitCodeOf } from '../../run-container.js';
import { launchContainer, killAndReap, type NetworkAttachment } from '../../start/sequence.js';
import { waitExit } from '../../start/stage0.js';
import { delayAt } from '../../start/fail-point.js';
import { DEFAULT_LIFECYCLE, type LifecycleConfig } from '../config.js';
import { JsonFileWriter } from '../log-writer.js';
import { prepareLogPath, removeSystemLogs } from '../log-path.js';
import { processStartTime } from '../state.js';
import { withInit } from '../init-binary.js';
import { serveStdin, type StdinServer } from './stdin-server.js';
import { Socket } from 'node:net';
import { close as closeFd } from '../../../../sys/fd.js';
import { socketpair } from '../../../../sys/socket.js';

export interface MonitorContext { store: ContainerStore; images: ImageStore; log: Logger; onDone(id: string): void }

export class Monitor {
  private child: ChildProcess | undefined;
  private hostPid = 0;
  private exited: Promise<number> | undefined;
  private stopRequested = false;
  private removing = false;
  private restartCount = 0;
  private backoff: AbortController | undefined;
  private starting: Promise<number> | undefined;

  constructor(readonly id: string, private readonly ctx: MonitorContext) {
    this.restartCount = ctx.store.loadState(id)?.restartCount ?? 0;
  }

  get running(): boolean { return this.child !== undefined; }

  /** Launches; resolves with PID 1's host pid once the workload exec'd, rejects with the setup/exec error. */
  start(): Promise<number> {
    const p = this.launch();
    this.starting = p;
    const clear = () => { if (this.starting === p) this.starting = undefined; };
    p.then(clear, clear);
    return p;
  }

  /** Resolves once no start is in progress (whatever its outcome). */
  private async settled(): Promise<void> {
    while (this.starting) await this.starting.catch(() => undefined);
  }

  private async launch(): Promise<number> {
    await delayAt('supervisor-start');
    const { store, images } = this.ctx;
    const spec = store.loadConfig(this.id);
    const lc: LifecycleConfig = spec.lifecycle ?? DEFAULT_LIFECYCLE;
    const log = this.ctx.log.child({ ctr: this.id.slice(0, 12) });
    const rollback = new RollbackStack(log);
    const writer = new JsonFileWriter(prepareLogPath(store, this.id), lc.log);
    this.stopRequested = false;
    let launched;
    // The user-mode network helper (slirp4netns/pasta) is owned here and stopped when the container exits.
    const attachNetwork = spec.net && networkAttacher(spec.network, spec.net, {
      runDir: store.layout(this.id).runDir, runRoot: dirname(store.runDir), id: this.id, rootless: !isRoot(), log,
    });
    // -i: the container's stdin is a socketpair of our own, not a child_process pipe (Node destroys that
    // one when the stage-0 shell exits, and PID 1 outlives the shell); attach writes into our end.
    const stdinPair = spec.process.stdin && !spec.process.terminal ? socketpair() : undefined;
    try {
      launched = await launchContainer({
        spec: withInit(spec), layout: store.layout(this.id), layerDirs: images.layerDirs(images.resolve(spec.image.id)),
        log, rollback, stdio: [stdinPair?.[1] ?? 'ignore', 'pipe', 'pipe'],
        ...(attachNetwork ? { attachNetwork } : {}),
      });
    } catch (err) {
      if (stdinPair) { closeFd(stdinPair[0]); closeFd(stdinPair[1]); }
      await rollback.unwind();
      writer.close();
      this.record({ status: 'stopped', exitCode: 125, finishedAt: new Date().toISOString(), error: messageOf(err) });
      throw err;
    }
    rollback.commit();
    const { child } = launched;
    this.child = child;
    this.hostPid = launched.hostPid;
    const streams: Promise<void>[] = [];
    const pump = (s: Readable | null | undefined, name: 'stdout' | 'stderr') => {
      if (!s) return;
      s.setEncoding('utf8');
      s.on('data', (d: string) => writer.write(name, d));
      streams.push(new Promise((r) => { s.once('close', r); s.once('error', () => r()); }));
    };
    pump(child.stdout, 'stdout');
    pump(child.stderr, 'stderr');
    // A pty master gives EIO once every slave fd is closed: that is its end.
    const pty = launched.ptyMaster !== undefined ? new ReadStream(launched.ptyMaster) : undefined;
    if (pty) pump(pty, 'stdout');
    if (stdinPair) closeFd(stdinPair[1]);
    const input = pty ?? (stdinPair ? new Socket({ fd: stdinPair[0], readable: false, writable: true }) : undefined);
    const stdinServer = spec.process.stdin && input ? serveStdin(store.layout(this.id).runDir, input, { terminal: pty !== undefined, ...(pty ? { output: pty } : {}) }) : undefined;
    const startedAt = new Date().toISOString();
    this.record({ status: 'running', pid: this.hostPid, startedAt, ...pidStart(this.hostPid) });
    this.exited = this.watchExit(child, streams, writer, launched.network, startedAt, stdinServer);
    try {
      await launched.start();
    } catch (err) {
      this.stopRequested = true; // an exec failure is not retried by the restart policy
      await killAndReap(child);
      const exitCode = (err as { exitCode?: number }).exitCode ?? 125;
      await this.exited;
      this.record({ status: 'stopped', startedAt, exitCode, finishedAt: new Date().toISOString(), error: messageOf(err) });
      throw err;
    }
    return this.hostPid;
  }

  private async watchExit(child: ChildProcess, streams: Promise<void>[], writer: JsonFileWriter,
    network: NetworkAttachment | undefined, startedAt: string, stdinServer: StdinServer | undefined): Promise<number> {
    const { code, signal } = await waitExit(child);
    stdinServer?.close();
    // Every process of the pid namespace is dead now; the pipes close right after. Bounded wait all the same.
    await Promise.race([Promise.all(streams), sleep(2000)]);
    writer.close();
    await network?.stop().catch(() => undefined);
    const exitCode = exitCodeOf(code, signal);
    this.child = undefined;
    if (!this.removing) {
      this.record({ status: 'stopped', startedAt, exitCode, finishedAt: new Date().toISOString(),
        ...(this.stopRequested ? { stoppedByUser: true } : {}) });
    }
    void this.afterExit(exitCode);
    return exitCode;
  }

  private async afterExit(exitCode: number): Promise<void> {
    const { store } = this.ctx;
    let spec;
    try { spec = store.loadConfig(this.id); } catch { this.ctx.onDone(this.id); return; }
    const policy = (spec.lifecycle ?? DEFAULT_LIFECYCLE).restart;
    const restart = !this.removing && !this.stopRequested && (policy.policy === 'always' || policy.policy === 'unless-stopped' ||
      (policy.policy === 'on-failure' && exitCode !== 0 && (policy.maxRetries === 0 || this.restartCount < policy.maxRetries)));
    if (restart) {
      // Docker's back-off: 100 ms, doubling, at most 10 s between attempts.
      const delay = Math.min(100 * 2 ** this.restartCount, 10_000);
      this.restartCount++;
      this.backoff = new AbortController();
      try { await sleep(delay, undefined, { signal: this.backoff.signal }); } catch { /* stopped during back-off */ }
      this.backoff = undefined;
      if (!this.stopRequested && !this.removing) {
        try { await this.start(); return; } catch (err) { this.ctx.log.warn(`restart of ${this.id.slice(0, 12)} failed: ${messageOf(err)}`); }
      }
    }
    if (spec.autoRemove && !this.removing) {
      await store.remove(this.id, spec.name).catch(() => undefined);
      removeSystemLogs(this.id);
    }
    this.ctx.onDone(this.id);
  }

  /** Resolves with the exit code once it is not running (at once when it is not). */
  async wait(): Promise<number | undefined> {
    if (!this.child) return undefined;
    return this.exited;
  }

  /** Stop signal, SIGKILL after `timeoutS`; the pid namespace dies with its PID 1. */
  async stop(signal: NodeJS.Signals, timeoutS: number): Promise<number | undefined> {
    this.stopRequested = true;
    this.backoff?.abort();
    await this.settled();
    if (!this.child) return undefined;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutS * 1000);
    try { return await this.exited; } finally { clearTimeout(timer); }
  }

  async remove(): Promise<void> {
    this.removing = true;
    this.stopRequested = true;
    this.backoff?.abort();
    await this.settled();
    if (!this.child) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.child) throw new MyctrError('MYCTR_INVALID_STATE', `container ${this.id.slice(0, 12)} is not running`);
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') this.stopRequested = true;
    this.signal(signal);
  }

  private signal(sig: NodeJS.Signals): void {
    try { process.kill(this.hostPid, sig); } catch { /* already gone */ }
  }

  private record(s: Omit<ContainerState, 'bootId' | 'supervisorPid' | 'restartCount'>): void {
    const st: ContainerState = { ...s, bootId: bootId(), supervisorPid: process.pid, ...selfStart(), restartCount: this.restartCount };
    try { this.ctx.store.saveState(this.id, st); } catch { /* the record was removed */ }
  }
}

let selfStartCache: { supervisorStart?: number } | undefined;
function selfStart(): { supervisorStart?: number } {
  if (!selfStartCache) { const t = processStartTime(process.pid); selfStartCache = t === undefined ? {} : { supervisorStart: t }; }
  return selfStartCache;
}

function pidStart(pid: number): { pidStart?: number } {
  const t = processStartTime(pid);
  return t === undefined ? {} : { pidStart: t };
}
