// One build stage, step by step: FROM (an image, `scratch` or an earlier stage), inherited ONBUILD triggers,
// then each instruction. Layer steps (RUN, COPY, ADD, WORKDIR of a missing dir) go through the cache:
// key = chain(previous layer step, what the result depends on); a hit reuses the layer and does no work.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlatform } from '../image/platform.js';
import type { HistoryEntry } from '../image/config.js';
import type { ImageStore } from '../image/store.js';
import type { Logger } from '../log.js';
import type { MyctrPaths } from '../paths.js';
import { messageOf, MyctrError } from '../runtime/errors.js';
import type { NetworkMode } from '../runtime/spec.js';
import type { MountSpec } from '../runtime/setup/plan.js';
import type { BaseImages } from './base-image.js';
import { DEFAULT_PATH } from '../runtime/setup/defaults.js';
import { removeTree } from '../runtime/userns-run.js';
import { chainKey, type BuildCache } from './cache.js';
import type { BuildContext } from './context.js';
import { planCopyStep } from './copy-step.js';
import { BuildError } from './errors.js';
import { toInstruction, type Instruction } from './instructions.js';
import { existsInLowers } from './layer-prune.js';
import { placeLayer, type LayerResult } from './layers.js';
import type { ExtractJob, LayerJob } from './layer-worker.js';
import { parseDockerfile } from './parse.js';
import type { Progress, StepHandle } from './progress.js';
import { mountFromRefs, runMounts } from './run-mounts.js';
import { planRunCommand } from './run-command.js';
import { runStep } from './run-step.js';
import { applyMetadata, DEFAULT_SHELL, envMap, expand, PREDEFINED_ARGS, type StageState } from './stage-state.js';
import type { Containerfile, Stage } from './stages.js';
import { processWord } from './words.js';

export interface StageResult { state: StageState; key: string; lowers: string[] }

export interface StageInput {
  cf: Containerfile; stage: Stage; store: ImageStore; cache: BuildCache; progress: Progress; paths: MyctrPaths; log: Logger;
  ctx: BuildContext; globals: ReadonlyMap<string, string>; buildArgs: ReadonlyMap<string, string>; usedArgs: Set<string>;
  noCache: boolean; network: NetworkMode; secrets: ReadonlyMap<string, string>; tmpRoot: string;
  /** Base images from the store or pulled (--pull), once per build. */
  images: BaseImages;
  stageByRef(ref: string): Promise<StageResult> | undefined;
  /** Runs a job in the build's layer worker (started on first use). */
  layerJob(job: LayerJob): Promise<LayerResult>;
  /** Copies a path out of layers in the layer worker (RUN bind mounts from stages, rw bind mounts). */
  extractJob(job: ExtractJob): Promise<{ path: string; file: boolean }>;
}

const LAYER_KINDS = new Set(['run', 'copy', 'add', 'workdir']);

function cloneState(s: StageState): StageState {
  return { ...s, config: structuredClone(s.config), layers: [...s.layers], history: [...s.history], args: new Map(), cmdSet: false };
}

export async function buildStageSteps(input: StageInput): Promise<StageResult> {
  const { cf, stage, store } = input;
  const label = stage.name ?? `stage-${stage.index}`;
  const total = 1 + stage.steps.filter((s) => LAYER_KINDS.has(s.kind)).length;
  let n = 1;
  const title = (text: string) => `[${label} ${n}/${total}] ${text.replace(/\s*\n\s*/g, ' ')}`;
  const ref = processWord(stage.from.image, (k) => input.globals.get(k), cf.escape);
  const fromStep = input.progress.step(title(`FROM ${ref}`));
  // FROM --platform wins over --platform (TARGETPLATFORM), which BaseImages applies by default.
  const fromPlatform = stage.from.platform !== undefined ? processWord(stage.from.platform, (k) => input.globals.get(k), cf.escape) : undefined;
  const platform = fromPlatform ?? input.globals.get('TARGETPLATFORM');
  if (platform !== undefined && platform !== input.globals.get('BUILDPLATFORM')) {
    input.log.warn(`${stage.from.pos.file}:${stage.from.pos.line}: the platform ${platform} is not this host's (${input.globals.get('BUILDPLATFORM')}): its base image is pulled for it, and RUN steps need an emulator (binfmt) for it`);
  }
  let state: StageState;
  let key: string;
  const dep = input.stageByRef(ref);
  if (dep) {
    const d = await dep;
    state = cloneState(d.state);
    key = d.key;
  } else if (ref.toLowerCase() === 'scratch') {
    state = { config: {}, layers: [], history: [], args: new Map(), cmdSet: false, escape: cf.escape,
      ...(platform !== undefined ? { architecture: parsePlatform(platform).architecture } : {}) };
    key = chainKey('', ['scratch']);
  } else {
    let img;
    try {
      img = await input.images.get(ref, `${stage.from.pos.file}:${stage.from.pos.line}: \`${stage.from.original.split('\n')[0]}\``, fromStep,
        fromPlatform !== undefined ? parsePlatform(fromPlatform) : undefined);
    } catch (err) { fromStep.error(messageOf(err)); throw err; }
    state = { config: structuredClone(img.config), layers: [...img.layers], history: img.history.map((h) => ({ ...h })), args: new Map(), cmdSet: false, escape: cf.escape, architecture: img.architecture };
    key = chainKey('', ['image', img.id]);
  }
  fromStep.done();
  const lowers = () => state.layers.map((d) => join(store.layerPath(d), 'diff'));
  const history = (created_by: string, empty: boolean) => {
    const h: HistoryEntry = { created: new Date().toISOString(), created_by };
    if (empty) h.empty_layer = true;
    state.history.push(h);
  };

  /** Runs a layer step through the cache. `produce` returns the finished layer tmp dir. */
  const layerStep = async (stepKey: string, step: StepHandle, createdBy: string, produce: () => Promise<{ tmpDir: string; layer: LayerResult }>) => {
    const hit = input.noCache ? undefined : input.cache.get(stepKey);
    let diffId: string | null;
    if (hit) {
      step.cached();
      diffId = hit.diffId;
    } else {
      const { tmpDir, layer } = await produce();
      if (layer.empty) { await removeTree(tmpDir); diffId = null; } else { await placeLayer(store, tmpDir, layer); diffId = layer.diffId; }
      input.cache.put(stepKey, diffId);
      step.done();
    }
    if (diffId !== null) state.layers.push(diffId);
    history(createdBy, diffId === null);
    key = stepKey;
  };

  // Triggers of the base image run first, as if written after FROM; the result does not inherit them.
  const triggers = (state.config.OnBuild ?? []).map((t) => toInstruction(parseDockerfile(t, `${cf.file} (ONBUILD of ${ref})`).instructions[0]!, cf.escape));
  delete state.config.OnBuild;

  for (const ins of [...triggers, ...stage.steps]) {
    try {
      if (ins.kind === 'arg') { declareArgs(input, state, ins); history(`ARG ${ins.args.map((a) => a.name).join(' ')}`, true); continue; }
      if (!LAYER_KINDS.has(ins.kind)) { history(applyMetadata(state, ins), true); continue; }
      n++;
      if (ins.kind === 'workdir') {
        const text = applyMetadata(state, ins);
        const dir = state.config.WorkingDir!;
        const step = input.progress.step(title(text));
        if (existsInLowers(lowers(), dir)) { step.done(); history(text, true); continue; }
        await layerStep(chainKey(key, ['workdir', dir]), step, text, async () => {
          const tmpDir = store.createLayerTmp();
          return { tmpDir, layer: await input.layerJob({ dir: tmpDir, lowers: lowers(), copy: { mkdirs: [dir] } }) };
        });
      } else if (ins.kind === 'run') {
        await runInstruction(input, ins, state, key, title, lowers(), layerStep);
      } else if (ins.kind === 'copy' || ins.kind === 'add') {
        const fromRef = ins.flags.from !== undefined ? expand(state, ins, ins.flags.from)[0]! : undefined;
        const from = fromRef !== undefined ? await copySource(input, fromRef, `${ins.pos.file}:${ins.pos.line}: \`${ins.original.split('\n')[0]}\``) : undefined;
        const planned = await planCopyStep(ins, state, lowers(), { ...(from ? { from } : {}), contextDir: input.ctx.dir, ignore: input.ctx.ignore, tmpRoot: input.tmpRoot });
        const step = input.progress.step(title(planned.history));
        try {
          await layerStep(chainKey(key, planned.keyParts), step, planned.history, async () => {
            const tmpDir = store.createLayerTmp();
            try {
              return { tmpDir, layer: await input.layerJob({ dir: tmpDir, lowers: lowers(), copy: planned.job }) };
            } catch (err) { await removeTree(tmpDir); throw err; }
          });
        } catch (err) { step.error(messageOf(err)); throw err; } finally { for (const d of planned.cleanup) await removeTree(d); }
      }
    } catch (err) {
      if (err instanceof MyctrError) throw err;
      throw new BuildError(`${ins.pos.file}:${ins.pos.line}: ${ins.original.split('\n')[0]}: ${messageOf(err)}`, { cause: err });
    }
  }
  return { state, key, lowers: lowers() };
}

/** `ARG name[=default]`: a --build-arg wins, then the default, then the global value of that name. */
function declareArgs(input: StageInput, state: StageState, ins: Extract<Instruction, { kind: 'arg' }>): void {
  for (const a of ins.args) {
    const given = input.buildArgs.get(a.name);
    if (given !== undefined) input.usedArgs.add(a.name);
    const v = given ?? (a.rawDefault !== undefined ? expand(state, ins, a.rawDefault)[0]! : input.globals.get(a.name));
    if (v !== undefined) state.args.set(a.name, v); else state.args.delete(a.name);
  }
}

/** A stage or an image named by `COPY --from` or `RUN --mount=…,from=`: its layers and a key of its content. */
async function copySource(input: StageInput, ref: string, where: string): Promise<{ layers: string[]; key: string; label: string }> {
  const dep = input.stageByRef(ref);
  if (dep) { const d = await dep; return { layers: d.lowers, key: d.key, label: ref }; }
  const step = input.progress.step(`[internal] load ${ref}`);
  const img = await input.images.get(ref, where, step).catch((err: unknown) => { step.error(messageOf(err)); throw err; });
  step.done();
  return { layers: input.store.layerDirs(img), key: `image:${img.id}`, label: ref };
}

type LayerStepFn = (key: string, step: StepHandle, createdBy: string, produce: () => Promise<{ tmpDir: string; layer: LayerResult }>) => Promise<void>;

async function runInstruction(input: StageInput, ins: Extract<Instruction, { kind: 'run' }>, state: StageState, key: string,
  title: (t: string) => string, lowers: string[], layerStep: LayerStepFn): Promise<void> {
  const cmd = planRunCommand(ins, state.config.Shell ?? DEFAULT_SHELL);
  const env = envMap(state.config);
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  // ARG values are in the RUN's environment (ENV wins), and so in its cache key; proxy args need no ARG line.
  const args = [...state.args].filter(([k]) => !envMap(state.config).has(k));
  for (const k of PREDEFINED_ARGS) { const v = input.buildArgs.get(k); if (v !== undefined && !state.args.has(k)) { args.push([k, v]); input.usedArgs.add(k); } }
  const runEnv = [...env, ...args].map(([k, v]) => `${k}=${v}`);
  const cwd = state.config.WorkingDir || '/';
  const network: NetworkMode = ins.network === 'none' ? 'none' : input.network;
  const where = `${ins.pos.file}:${ins.pos.line}: \`${ins.original.split('\n')[0]}\``;
  const from = new Map<string, { layers: string[]; key: string }>();
  for (const ref of mountFromRefs(ins)) from.set(ref, await copySource(input, ref, where));
  const planned = runMounts(ins, { contextDir: input.ctx.dir, secrets: input.secrets, cacheDir: (id) => input.cache.mountDir(id), cwd, from });
  const visibleArgs = args.filter(([k]) => !PREDEFINED_ARGS.includes(k));
  const createdBy = `RUN ${visibleArgs.length ? `|${visibleArgs.length} ${visibleArgs.map(([k, v]) => `${k}=${v}`).join(' ')} ` : ''}${cmd.shown.join(' ')}`;
  const step = input.progress.step(title(`RUN ${ins.command.form === 'exec' ? JSON.stringify(ins.command.args) : ins.command.text}`));
  const stepKey = chainKey(key, ['run', cmd.shown, cmd.script ? 'script' : '', runEnv, state.config.User ?? '', cwd, network, ins.mounts, planned.keyParts]);
  try {
    await layerStep(stepKey, step, createdBy, async () => {
      // Sources copied for this RUN only (rw and from= binds, a shebang heredoc): removed whatever happens.
      const scratch: string[] = [];
      try {
        const mounts: MountSpec[] = [];
        for (const m of planned.mounts) {
          if (m.kind === 'ready') { mounts.push(m.spec); continue; }
          const dir = input.store.createLayerTmp();
          scratch.push(dir);
          const got = await input.extractJob({ dir, extract: { layers: m.layers, source: m.source } })
            .catch((err: unknown) => { throw new BuildError(`${where}: bind mount source ${messageOf(err)}`, { hint: 'source= is a path in the build context, or in the stage or image named by from=' }); });
          mounts.push({ type: 'bind', source: got.path, destination: m.destination, readonly: m.readonly, file: got.file });
        }
        if (cmd.script) {
          const dir = input.store.createLayerTmp();
          scratch.push(dir);
          const file = join(dir, 'script');
          writeFileSync(file, cmd.script.content, { mode: 0o755 });
          chmodSync(file, 0o755);
          mounts.push({ type: 'bind', source: file, destination: cmd.script.path, readonly: true, file: true });
        }
        return await runStep({
          store: input.store, paths: input.paths, lowers, args: cmd.argv, env: runEnv, cwd, user: state.config.User ?? '', network, mounts,
          onLine: (l) => step.line(l), layerJob: input.layerJob, label: `${ins.pos.file}:${ins.pos.line}: \`RUN ${clip(ins.command.form === 'exec' ? ins.command.args.join(' ') : ins.command.text)}\``, log: input.log,
        });
      } finally {
        for (const d of scratch) await removeTree(d);
      }
    });
  } catch (err) {
    step.error(messageOf(err));
    throw err;
  }
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
