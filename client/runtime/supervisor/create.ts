// `myctr create` (and the first half of `run -d`): the container record — name, dirs, config with its
// lifecycle settings, state `created` — with every step undone if a later one fails. Nothing runs yet.
import type { Logger } from '../../log.js';
import { prepareNetwork } from '../../network/prepare.js';
import { capNamesAll } from '../caps-list.js';
import { bootId } from '../container-store.js';
import { CreateContainerError } from '../errors.js';
import { generateName, reserveContainerName } from '../names.js';
import { openCreateContext } from '../create-context.js';
import { RollbackStack } from '../rollback.js';
import { buildSpec, type ContainerSpec, type RunOptions } from '../spec.js';
import { checkRestartWithRm, lifecycleConfig, type LifecycleConfig } from './config.js';
import { findInitBinary } from './init-binary.js';

export interface LifecycleOptions {
  restart?: LifecycleConfig['restart'];
  log?: LifecycleConfig['log'];
  stopSignal?: string;
  stopTimeout?: number;
  init?: boolean;
}

export async function createContainer(imageRef: string, opts: RunOptions, lo: LifecycleOptions, log: Logger): Promise<ContainerSpec> {
  const { paths, image, store, id } = openCreateContext(imageRef, log);
  checkRestartWithRm(lo.restart, opts.rm ?? false);
  const lifecycle: LifecycleConfig = lifecycleConfig(lo, image.config.StopSignal, lo.init ? findInitBinary() : undefined);
  const spec: ContainerSpec = {
    ...buildSpec({ id, name: opts.name ?? generateName(), created: new Date().toISOString(), imageRef, imageId: image.id,
      image: image.config, opts, allCaps: capNamesAll() }),
    lifecycle,
  };
  // Ports are checked (and free ones picked) before the record exists (client/network/prepare.ts).
  spec.net = await prepareNetwork({
    mode: spec.network, request: opts.netRequest, rootless: paths.rootless, log,
    exposedPorts: (image.config as { ExposedPorts?: Record<string, unknown> }).ExposedPorts,
  });
  const rollback = new RollbackStack(log);
  try {
    // The record appears whole or not at all (container-store.ts has the ordering).
    const staging = store.stageRecord(id);
    rollback.defer('remove the staged record', () => store.discardStaged(staging));
    reserveContainerName(store, spec, opts.name === undefined);
    rollback.defer('release name', () => store.releaseName(spec.name, id));
    store.saveConfig(spec, staging);
    store.saveState(id, { status: 'created', bootId: bootId() }, staging);
    store.commitRecord(id, staging);
    rollback.defer('remove container dirs', () => store.remove(id, undefined));
  } catch (err) {
    throw new CreateContainerError(err, await rollback.unwind());
  }
  rollback.commit();
  return spec;
}
