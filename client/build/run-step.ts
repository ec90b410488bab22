// RUN: one container of this engine over the stage's layers, through the normal start sequence, with its
// upper dir placed inside a fresh layer tmp dir; after a clean exit the upper dir *is* the new layer. A
// failure (non-zero exit, exec error, launch error) unwinds everything: no container, mount or dir is left.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ImageStore } from '../image/store.js';
import type { Logger } from '../log.js';
import type { MyctrPaths } from '../paths.js';
import { capNamesAll } from '../runtime/caps-list.js';
import type { ContainerLayout } from '../runtime/container-store.js';
import { messageOf } from '../runtime/errors.js';
import { newContainerId } from '../runtime/names.js';
import { exitCodeOf } from '../runtime/run-container.js';
import { RollbackStack } from '../runtime/rollback.js';
import { computeCapabilities, type ContainerSpec, type NetworkMode } from '../runtime/spec.js';
import type { MountSpec } from '../runtime/setup/plan.js';
import { launchContainer } from '../runtime/start/sequence.js';
import { waitExit } from '../runtime/start/stage0.js';
import { removeTree } from '../runtime/userns-run.js';
import { BuildError } from './errors.js';
import type { LayerResult } from './layers.js';
import type { LayerJob } from './layer-worker.js';

export interface RunStepInput {
  store: ImageStore;
  paths: MyctrPaths;
  lowers: string[];
  args: string[];
  env: string[];
  cwd: string;
  user: string;
  network: NetworkMode;
  mounts: MountSpec[];
  /** Each output line of the RUN (stdout and stderr). */
  onLine(line: string): void;
  /** Label for messages (`RUN make`). */
  label: string;
  /** Runs a job in the build's layer worker. */
  layerJob(job: LayerJob): Promise<LayerResult>;
  log: Logger;
}

/** Mount points the init creates in the rootfs, relative to it (pruned from the layer when new). */
const INIT_MOUNT_POINTS = ['/proc', '/sys', '/dev', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf'];
const TAIL_LINES = 10;

export async function runStep(input: RunStepInput): Promise<{ tmpDir: string; layer: LayerResult }> {
  const id = newContainerId();
  const rollback = new RollbackStack(input.log);
  const tmpDir = input.store.createLayerTmp();
  rollback.defer('remove layer tmp dir', () => removeTree(tmpDir));
  const layout: ContainerLayout = {
    dir: tmpDir, upper: join(tmpDir, 'diff'), work: join(tmpDir, 'work'), rootfs: join(tmpDir, 'rootfs'),
    copy: join(tmpDir, 'copy'), runDir: join(input.paths.runRoot, 'build', id),
  };
  const tail: string[] = [];
  try {
    for (const d of [layout.upper, layout.work, layout.rootfs]) mkdirSync(d, { mode: 0o755 });
    mkdirSync(layout.runDir, { recursive: true, mode: 0o700 });
    rollback.defer('remove run dir', () => removeTree(layout.runDir));
    const spec: ContainerSpec = {
      id, name: `build-${id.slice(0, 12)}`, created: new Date().toISOString(), image: { ref: '', id: '' },
      process: {
        args: input.args, env: input.env, cwd: input.cwd, user: input.user, terminal: false, stdin: false,
        noNewPrivileges: false, capabilities: computeCapabilities({ capAdd: [], capDrop: [], privileged: false }, capNamesAll()), groupAdd: [],
      },
      hostname: id.slice(0, 12), mounts: input.mounts, network: input.network, readOnly: false, privileged: false,
      autoRemove: true, dns: [], addHosts: [],
    };
    const launched = await launchContainer({ spec, layout, layerDirs: input.lowers, stdio: ['ignore', 'pipe', 'pipe'], log: input.log, rollback });
    const lines = (s: Readable | null) => new Promise<void>((resolve) => {
      if (!s) { resolve(); return; }
      const rl = createInterface({ input: s, crlfDelay: Infinity });
      rl.on('line', (l) => { tail.push(l); if (tail.length > TAIL_LINES) tail.shift(); input.onLine(l); });
      rl.on('close', resolve);
    });
    const drained = Promise.all([lines(launched.child.stdout), lines(launched.child.stderr)]);
    let execError: (Error & { exitCode?: number }) | undefined;
    try { await launched.start(); } catch (err) { execError = err as Error & { exitCode?: number }; }
    const { code, signal } = await waitExit(launched.child);
    await drained;
    const exitCode = execError?.exitCode ?? exitCodeOf(code, signal);
    if (execError || exitCode !== 0) {
      const detail = execError ? `: ${messageOf(execError)}` : '';
      throw new BuildError(`${input.label}: the command exited with code ${exitCode}${detail}`
        + (tail.length ? `\n  last output:\n${tail.map((l) => `    ${l}`).join('\n')}` : ''),
      { hint: 'fix the command in the Containerfile; the steps before it are cached', ...(exitCode !== 0 ? { exitCode } : {}) });
    }
    if (existsSync(layout.copy)) {
      throw new BuildError(`${input.label}: overlayfs was refused, so the changes of RUN cannot be captured`,
        { hint: 'builds need overlayfs (kernel ≥ 5.11 for rootless); see `myctr run` warnings' });
    }
    const prune = [...INIT_MOUNT_POINTS, ...input.mounts.map((m) => m.destination)];
    const layer = await input.layerJob({ dir: tmpDir, lowers: input.lowers, prune });
    await removeTree(layout.runDir);
    rollback.commit();
    return { tmpDir, layer };
  } catch (err) {
    const cleanup = await rollback.unwind();
    if (cleanup.length) input.log.warn(`cleanup after failed ${input.label}: ${cleanup.map(messageOf).join('; ')}`);
    throw err;
  }
}
