// `myctr run` in the foreground: create the record, launch through the start sequence, attach, wait, record
// the exit and (--rm) remove everything. Any failure before the workload runs unwinds every host-side effect.
import { constants } from 'node:os';
import { networkAttacher, prepareNetwork } from '../network/prepare.js';
import type { Logger } from '../log.js';
import { capNamesAll } from './caps-list.js';
import { attachTerminal, forwardSignals } from './attach.js';
import { bootId } from './container-store.js';
import { CreateContainerError, MyctrError } from './errors.js';
import { generateName, reserveContainerName } from './names.js';
import { openCreateContext } from './create-context.js';
import { RollbackStack } from './rollback.js';
import { buildSpec, type RunOptions } from './spec.js';
import { launchContainer, killAndReap } from './start/sequence.js';
import type { PrespawnedInit } from './start/init-process.js';
import { failAt } from './start/fail-point.js';
import { lifecycleConfig } from './supervisor/config.js';
import type { LifecycleOptions } from './supervisor/create.js';
import { findInitBinary, withInit } from './supervisor/init-binary.js';
import { waitExit } from './start/stage0.js';

export interface RunResult { exitCode: number; id: string }

/** 128+N for death by signal N (Docker's convention). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return code ?? 125;
}

/** `lifecycle`: --log-opt, --stop-signal, --stop-timeout, --init, recorded as for a detached container (inspect,
 *  and `stop` from another terminal). A restart policy is not applied here: `run --restart` goes through the
 *  supervisor (supervisor/run-attached.ts). */
export async function runContainer(imageRef: string, opts: RunOptions, log: Logger, prespawned?: PrespawnedInit,
  lifecycle: LifecycleOptions = {}): Promise<RunResult> {
  const { paths, images, image, store, id } = openCreateContext(imageRef, log);
  const spec = buildSpec({
    id, name: opts.name ?? generateName(), created: new Date().toISOString(), imageRef, imageId: image.id,
    image: image.config, opts, allCaps: capNamesAll(),
  });
  spec.lifecycle = lifecycleConfig(lifecycle, image.config.StopSignal, opts.init || lifecycle.init ? findInitBinary() : undefined);
  const clog = log.child({ ctr: id.slice(0, 12) });
  // Ports are checked (and random ones picked) before anything exists, so a taken port leaves nothing behind.
  spec.net = await prepareNetwork({
    mode: spec.network, request: opts.netRequest, rootless: paths.rootless, log: clog,
    exposedPorts: (image.config as { ExposedPorts?: Record<string, unknown> }).ExposedPorts,
  });
  const attachNetwork = networkAttacher(spec.network, spec.net, {
    runDir: store.layout(id).runDir, runRoot: paths.runRoot, id, rootless: paths.rootless, log: clog,
  });
  const rollback = new RollbackStack(clog);
  let launched;
  const startedAt = new Date().toISOString();
  try {
    // The record appears whole or not at all (container-store.ts has the ordering).
    const staging = store.stageRecord(id);
    rollback.defer('remove the staged record', () => store.discardStaged(staging));
    failAt('dirs-created');
    reserveContainerName(store, spec, opts.name === undefined);
    rollback.defer('release name', () => store.releaseName(spec.name, id));
    failAt('name-reserved');
    store.saveConfig(spec, staging);
    failAt('config-saved');
    const layout = store.commitRecord(id, staging);
    rollback.defer('remove container dirs', () => store.remove(id, undefined));
    launched = await launchContainer({
      spec: withInit(spec), layout, layerDirs: images.layerDirs(image), log: clog, rollback,
      stdio: [opts.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'],
      ...(attachNetwork ? { attachNetwork } : {}),
      ...(prespawned ? { prespawned } : {}),
      recordRunning: (pid) => {
        store.saveState(id, { status: 'running', pid, startedAt, bootId: bootId() });
        failAt('state-saved');
      },
    });
  } catch (err) {
    throw new CreateContainerError(err, await rollback.unwind());
  }
  // From here the container exists: failures are recorded in its state rather than rolled back.
  rollback.commit();
  const stopForwarding = forwardSignals(launched.hostPid);
  const terminal = launched.ptyMaster !== undefined ? await attachTerminal(launched.ptyMaster, opts.interactive) : undefined;
  let execError: (MyctrError & { exitCode?: number }) | undefined;
  try {
    await launched.start();
  } catch (err) {
    execError = err as MyctrError & { exitCode?: number };
    await killAndReap(launched.child);
  }
  const { code, signal } = await waitExit(launched.child);
  stopForwarding();
  // The network tool's exit takes a while (the kernel tears down its tap device); the removal goes on meanwhile.
  const networkStopped = launched.network?.stop();
  networkStopped?.catch(() => undefined); // awaited below; no unhandled rejection if the removal throws first
  if (terminal) {
    // All holders of the pty slave die with the pid namespace, so EIO comes soon; the timeout only guards a bug.
    await Promise.race([terminal.drained, new Promise((r) => setTimeout(r, 5000).unref())]);
    terminal.restore();
  }
  const exitCode = execError?.exitCode ?? exitCodeOf(code, signal);
  // With --rm the record is deleted right away: writing (and fsyncing) its final state would be wasted.
  if (spec.autoRemove) await store.remove(id, spec.name, { blocking: true });
  else store.saveState(id, { status: 'stopped', startedAt, finishedAt: new Date().toISOString(), exitCode, bootId: bootId() });
  await networkStopped;
  if (execError) throw execError;
  return { exitCode, id };
}
