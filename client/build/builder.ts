// `myctr build`: parse the Containerfile, build the stages the target needs (each once, independent ones
// concurrently), run every step through the cache, and commit the target as an image of the store.
// Metadata steps change the config only; RUN, COPY, ADD and WORKDIR produce layers (stage-steps.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImageStore, type ImageRecord } from '../image/store.js';
import { localName } from '../image/reference.js';
import type { Logger } from '../log.js';
import { ensurePrivateDir, resolvePaths } from '../paths.js';
import type { NetworkMode } from '../runtime/spec.js';
import { formatPlatform, parsePlatform, type Platform } from '../image/platform.js';
import { BaseImages, type PullPolicy } from './base-image.js';
import { BuildCache } from './cache.js';
import { LayerWorker } from './layers.js';
import { openContext, type BuildContext } from './context.js';
import { Progress, type ProgressMode } from './progress.js';
import { PREDEFINED_ARGS, type StageState } from './stage-state.js';
import { buildStageSteps, type StageResult } from './stage-steps.js';
import { parseContainerfile, stageDeps, stageRef, targetStage, type Containerfile, type Stage } from './stages.js';
import { processWord } from './words.js';

export interface BuildOptions {
  context: string;
  file?: string;
  tags: string[];
  buildArgs: Map<string, string>;
  target?: string;
  noCache: boolean;
  pull: PullPolicy;
  /** `--platform`: the platform pulled base images are picked for (default: this host). */
  platform?: string;
  /** `--tls-verify=false`: plain http for the registries of base images. */
  tlsVerify?: boolean;
  progress: ProgressMode;
  network: NetworkMode;
  secrets: Map<string, string>;
}

/** BuildKit's automatic platform args, in the global scope (a stage sees them after `ARG NAME`); TARGET* follow --platform. */
function platformArgs(target?: Platform): Map<string, string> {
  const arch = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
  const m = new Map<string, string>();
  for (const [p, plat] of [['BUILD', { os: 'linux', architecture: arch }], ['TARGET', target ?? { os: 'linux', architecture: arch }]] as const) {
    m.set(`${p}PLATFORM`, formatPlatform(plat)); m.set(`${p}OS`, plat.os); m.set(`${p}ARCH`, plat.architecture); m.set(`${p}VARIANT`, plat.variant ?? '');
  }
  return m;
}

/** Global ARGs (before the first FROM): --build-arg wins over the default. */
function globalArgs(cf: Containerfile, buildArgs: ReadonlyMap<string, string>, used: Set<string>, target?: Platform): Map<string, string> {
  const globals = platformArgs(target);
  for (const ins of cf.globalArgs) {
    for (const a of ins.args) {
      const given = buildArgs.get(a.name);
      if (given !== undefined) used.add(a.name);
      const def = a.rawDefault !== undefined ? processWord(a.rawDefault, (n) => globals.get(n), cf.escape) : undefined;
      const v = given ?? def;
      if (v !== undefined) globals.set(a.name, v);
    }
  }
  return globals;
}

/** Stages the target needs, transitively. */
function neededStages(cf: Containerfile, target: Stage): Set<number> {
  const need = new Set<number>();
  const visit = (s: Stage) => { if (need.has(s.index)) return; need.add(s.index); for (const d of stageDeps(cf, s)) visit(d); };
  visit(target);
  return need;
}

export async function build(opts: BuildOptions, log: Logger): Promise<ImageRecord> {
  const paths = resolvePaths();
  ensurePrivateDir(paths.root);
  ensurePrivateDir(paths.runRoot);
  const tmpRoot = join(paths.runRoot, 'build');
  mkdirSync(tmpRoot, { recursive: true, mode: 0o700 });
  const names = opts.tags.map(localName);
  const store = ImageStore.open(paths);
  await store.sweepTmp();
  const ctx: BuildContext = await openContext(opts.context, opts.file, tmpRoot);
  // One layer worker for the whole build, started when the first step needs it (a cached build needs none).
  let worker: Promise<LayerWorker> | undefined;
  const layerJob = (job: Parameters<LayerWorker['run']>[0]) => (worker ??= LayerWorker.start()).then((w) => w.run(job));
  const extractJob = (job: Parameters<LayerWorker['extract']>[0]) => (worker ??= LayerWorker.start()).then((w) => w.extract(job));
  const platform = opts.platform !== undefined ? parsePlatform(opts.platform) : undefined;
  const images = new BaseImages({ store, paths, policy: opts.pull, platform, tlsVerify: opts.tlsVerify });
  try {
    const cf = parseContainerfile(ctx.containerfile.text, ctx.containerfile.name);
    const progress = new Progress(opts.progress);
    const cache = new BuildCache(paths.root, store);
    const usedArgs = new Set<string>();
    const globals = globalArgs(cf, opts.buildArgs, usedArgs, platform);
    const target = targetStage(cf, opts.target);
    const needed = neededStages(cf, target);
    const results = new Map<number, Promise<StageResult>>();
    const buildOne = (stage: Stage): Promise<StageResult> => {
      let p = results.get(stage.index);
      if (!p) {
        p = buildStageSteps({
          cf, stage, store, cache, progress, paths, log, ctx, globals, buildArgs: opts.buildArgs, usedArgs,
          noCache: opts.noCache, network: opts.network, secrets: opts.secrets, tmpRoot,
          images, layerJob, extractJob,
          stageByRef: (ref) => { const s = stageRef(cf, ref, stage.index); return s ? buildOne(s) : undefined; },
        });
        results.set(stage.index, p);
      }
      return p;
    };
    // Start every needed stage now: stages that do not depend on each other build concurrently.
    const all = [...needed].sort((a, b) => a - b).map((i) => buildOne(cf.stages[i]!));
    const settled = await Promise.allSettled(all);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const final = await buildOne(target);
    const unused = [...opts.buildArgs.keys()].filter((k) => !usedArgs.has(k) && !PREDEFINED_ARGS.includes(k));
    if (unused.length) log.warn(`one or more build args were not consumed: ${unused.join(', ')}`);
    return await commit(store, final.state, names, progress);
  } finally {
    if (worker) await worker.then((w) => w.close(), () => undefined);
    await ctx.dispose();
  }
}

async function commit(store: ImageStore, state: StageState, names: string[], progress: Progress): Promise<ImageRecord> {
  const step = progress.step('exporting to image');
  const created = new Date().toISOString();
  const image = await store.commitImage({
    layers: state.layers.map((diffId) => ({ diffId })), config: state.config, history: state.history, created, names,
    ...(state.architecture !== undefined ? { architecture: state.architecture } : {}),
  });
  step.line(`writing image sha256:${image.id} done`);
  for (const n of names) step.line(`naming to ${n} done`);
  step.done();
  return image;
}
