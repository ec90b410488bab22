// The lifecycle verbs on existing containers: start, stop, kill, rm, wait, prune. Each resolves the
// reference, takes the container's lock, reconciles the record with the kernel and then acts — through
// the supervisor for detached containers, directly on PID 1 for one that a foreground `run` owns.
import { setTimeout as sleep } from 'node:timers/promises';
import { resolvePaths, type MyctrPaths } from '../../paths.js';
import { ContainerStore } from '../container-store.js';
import { ConflictError, MyctrError } from '../errors.js';
import { DEFAULT_LIFECYCLE, parseSignal } from './config.js';
import { removeSystemLogs } from './log-path.js';
import { isPaused, pauseTree, releaseFreezer, unpauseTree } from './freezer.js';
import { withExistingContainer } from './lock.js';
import { currentState, isAlive } from './state.js';
import { callSupervisor } from './daemon/client.js';

export interface Ctx { paths: MyctrPaths; store: ContainerStore }

export function context(): Ctx {
  const paths = resolvePaths();
  return { paths, store: new ContainerStore(paths) };
}

async function locked<T>(ctx: Ctx, ref: string, fn: (id: string) => Promise<T>): Promise<T> {
  const id = ctx.store.resolve(ref);
  return withExistingContainer(ctx.paths, ctx.store, id, ref, () => fn(id));
}

function notRunning(id: string): MyctrError {
  return new MyctrError('MYCTR_INVALID_STATE', `container ${id.slice(0, 12)} is not running`, { hint: 'start it with `myctr start`' });
}

/**
 * Starts a created or exited container under the supervisor; a running one is left alone (as Docker). The
 * supervisor takes the container's lock for the start itself (daemon/main.ts): were it held here, killing this
 * CLI would free it while the start goes on.
 */
export async function startContainer(ctx: Ctx, ref: string): Promise<string> {
  const id = ctx.store.resolve(ref);
  if (currentState(ctx.store, id).status === 'running') return id;
  await callSupervisor(ctx.paths, { type: 'start', id }, true);
  return id;
}

async function waitGone(pid: number, start: number | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid, start)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** A container run in the foreground by another CLI: signal its PID 1 ourselves; that CLI records the exit. */
async function stopUnsupervised(pid: number, start: number | undefined, signal: NodeJS.Signals, timeoutS: number): Promise<void> {
  try { process.kill(pid, signal); } catch { return; }
  if (await waitGone(pid, start, timeoutS * 1000)) return;
  try { process.kill(pid, 'SIGKILL'); } catch { return; }
  await waitGone(pid, start, 10_000);
}

export function stopContainer(ctx: Ctx, ref: string, timeoutS?: number, signal?: string): Promise<string> {
  return locked(ctx, ref, async (id) => {
    const st = currentState(ctx.store, id);
    const lc = ctx.store.loadConfig(id).lifecycle ?? DEFAULT_LIFECYCLE;
    const sig = signal ? parseSignal(signal) : lc.stopSignal;
    const timeout = timeoutS ?? lc.stopTimeout;
    releaseFreezer(ctx.store.layout(id).runDir, false); // a frozen process cannot act on the stop signal, nor die
    if (st.supervisorPid !== undefined) {
      // Also for an exited container: the supervisor may be in a restart back-off, which stop cancels.
      await callSupervisor(ctx.paths, { type: 'stop', id, timeout, signal: sig });
    } else if (st.status === 'running' && st.pid !== undefined) {
      await stopUnsupervised(st.pid, st.pidStart, sig, timeout);
    }
    return id;
  });
}

export function killContainer(ctx: Ctx, ref: string, signal = 'SIGKILL'): Promise<string> {
  const sig = parseSignal(signal);
  return locked(ctx, ref, async (id) => {
    const st = currentState(ctx.store, id);
    if (st.status !== 'running' || st.pid === undefined) throw notRunning(id);
    if (sig === 'SIGKILL' || sig === 'SIGTERM') releaseFreezer(ctx.store.layout(id).runDir, false);
    if (st.supervisorPid !== undefined) await callSupervisor(ctx.paths, { type: 'kill', id, signal: sig });
    else process.kill(st.pid, sig);
    return id;
  });
}

export function removeContainer(ctx: Ctx, ref: string, force: boolean): Promise<string> {
  return locked(ctx, ref, async (id) => {
    const st = currentState(ctx.store, id);
    if (st.status === 'running' && !force) {
      throw new ConflictError(`cannot remove container ${id.slice(0, 12)}: it is running`, 'stop it first (`myctr stop`), or use `myctr rm -f`');
    }
    releaseFreezer(ctx.store.layout(id).runDir, false);
    if (st.supervisorPid !== undefined && isAlive(st.supervisorPid)) await callSupervisor(ctx.paths, { type: 'remove', id });
    else if (st.status === 'running' && st.pid !== undefined) await stopUnsupervised(st.pid, st.pidStart, 'SIGKILL', 0);
    releaseFreezer(ctx.store.layout(id).runDir, true);
    const name = ctx.store.loadConfig(id).name;
    await ctx.store.remove(id, name);
    removeSystemLogs(id);
    return id;
  });
}

/** Blocks until the container is not running; its exit code. No lock: waiting must not block others. */
export async function waitContainer(ctx: Ctx, ref: string): Promise<number> {
  const id = ctx.store.resolve(ref);
  for (;;) {
    const st = currentState(ctx.store, id);
    if (st.status !== 'running') return st.exitCode ?? 0;
    if (st.supervisorPid !== undefined) {
      let reply;
      try { reply = await callSupervisor(ctx.paths, { type: 'wait', id }); } catch { /* supervisor gone: reconciled next */ }
      // The first exit counts, even if a restart policy starts it again (as Docker's wait).
      if (reply?.exitCode !== undefined) return reply.exitCode;
      await sleep(50);
    } else if (st.pid !== undefined) {
      await waitGone(st.pid, st.pidStart, 24 * 3600 * 1000);
      await sleep(50);
    }
  }
}

/** Removes every container that is not running; their ids. */
export async function pruneContainers(ctx: Ctx): Promise<string[]> {
  const removed: string[] = [];
  for (const id of ctx.store.ids()) {
    if (currentState(ctx.store, id).status === 'running') continue;
    try { await removeContainer(ctx, id, false); removed.push(id); } catch (err) {
      if (!(err instanceof MyctrError && (err.code === 'MYCTR_CONFLICT' || err.code === 'MYCTR_NOT_FOUND'))) throw err;
    }
  }
  return removed;
}

/** Freezes every process of a running container (freezer.ts); `unpause` thaws them. */
export function pauseContainer(ctx: Ctx, ref: string, pause: boolean): Promise<string> {
  return locked(ctx, ref, async (id) => {
    const st = currentState(ctx.store, id);
    if (st.status !== 'running' || st.pid === undefined) throw notRunning(id);
    const runDir = ctx.store.layout(id).runDir;
    if (pause === isPaused(runDir)) {
      throw new MyctrError('MYCTR_INVALID_STATE', `container ${id.slice(0, 12)} is ${pause ? 'already paused' : 'not paused'}`);
    }
    if (pause) await pauseTree(runDir, id, st.pid); else unpauseTree(runDir);
    return id;
  });
}
