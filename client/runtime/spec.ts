// ContainerSpec: everything a container is, decided before it starts (persisted as its config.json).
// buildSpec merges `myctr run` options with the image config the way Docker does. Pure.
import { DEFAULT_CAPABILITIES, DEFAULT_PATH } from './setup/defaults.js';
import type { MountSpec } from './setup/plan.js';
import { UsageError } from './errors.js';
import type { LifecycleConfig } from './supervisor/config.js';

import type { NetworkMode, NetworkRequest, NetworkSettings } from '../network/types.js';

export type { NetworkMode };

export interface ContainerSpec {
  id: string;
  name: string;
  created: string;
  image: { ref: string; id: string };
  process: {
    args: string[];
    env: string[];
    cwd: string;
    user: string;
    terminal: boolean;
    stdin: boolean;
    noNewPrivileges: boolean;
    capabilities: string[];
    groupAdd: string[];
  };
  hostname: string;
  mounts: MountSpec[];
  network: NetworkMode;
  readOnly: boolean;
  privileged: boolean;
  autoRemove: boolean;
  dns: string[];
  addHosts: { name: string; ip: string }[];
  /** Ports, resolver view and options of a user-mode network (client/network); absent for older records. */
  net?: NetworkSettings;
  /** Detached-container settings (restart, logs, stop); absent in records written before they existed. */
  lifecycle?: LifecycleConfig;
}

/** The subset of an image config that `run` applies (OCI image config `config`). */
export interface ImageRunConfig {
  Env?: string[] | undefined;
  Cmd?: string[] | undefined;
  Entrypoint?: string[] | undefined;
  WorkingDir?: string | undefined;
  User?: string | undefined;
}

export interface RunOptions {
  name?: string;
  /** Arguments after the image. */
  args: string[];
  /** --entrypoint: '' clears the image's entrypoint. */
  entrypoint?: string;
  env: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  interactive: boolean;
  tty: boolean;
  readOnly: boolean;
  rm: boolean;
  mounts: MountSpec[];
  network: NetworkMode;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  noNewPrivileges: boolean;
  groupAdd: string[];
  dns: string[];
  addHosts: { name: string; ip: string }[];
  /** -p/-P/--dns-search and network-mode options (client/network). */
  netRequest?: NetworkRequest;
  /** --init: a static init (tini/catatonit) runs as PID 1 in front of the command. */
  init?: boolean;
}

/** Docker's rule: --entrypoint replaces the image's and drops its Cmd; args replace Cmd. */
export function mergeCommand(opts: Pick<RunOptions, 'args' | 'entrypoint'>, img: ImageRunConfig): string[] {
  const entrypoint = opts.entrypoint !== undefined
    ? (opts.entrypoint === '' ? [] : [opts.entrypoint])
    : (img.Entrypoint ?? []);
  const cmd = opts.args.length > 0 ? opts.args : (opts.entrypoint !== undefined ? [] : (img.Cmd ?? []));
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) {
    throw new UsageError('no command specified', 'give a command after the image name, or use an image with a CMD or ENTRYPOINT');
  }
  return argv;
}

/** Image Env, then the user's -e/--env-file in order; later wins. PATH and HOSTNAME are always set. */
export function mergeEnv(imageEnv: readonly string[] | undefined, userEnv: readonly string[], extra: { hostname: string; tty: boolean }): string[] {
  const map = new Map<string, string>();
  for (const e of imageEnv ?? []) { const i = e.indexOf('='); if (i > 0) map.set(e.slice(0, i), e.slice(i + 1)); }
  if (!map.has('PATH')) map.set('PATH', DEFAULT_PATH);
  map.set('HOSTNAME', extra.hostname);
  if (extra.tty && !map.has('TERM')) map.set('TERM', 'xterm');
  for (const e of userEnv) { const i = e.indexOf('='); map.set(e.slice(0, i), e.slice(i + 1)); }
  return [...map].map(([k, v]) => `${k}=${v}`);
}

function normalizeCap(name: string): string {
  const upper = name.toUpperCase();
  return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** Podman's default set ± --cap-add/--cap-drop ('ALL' allowed in both); --privileged means every cap. */
export function computeCapabilities(opts: Pick<RunOptions, 'capAdd' | 'capDrop' | 'privileged'>, allCaps: readonly string[]): string[] {
  if (opts.privileged) return [...allCaps];
  const add = opts.capAdd.map(normalizeCap);
  const drop = opts.capDrop.map(normalizeCap);
  for (const c of [...add, ...drop]) {
    if (c !== 'ALL' && !allCaps.includes(c)) {
      throw new UsageError(`unknown capability \`${c}\``, 'see capabilities(7) for the names, e.g. NET_ADMIN or CAP_NET_ADMIN');
    }
  }
  let caps = new Set<string>(drop.includes('ALL') ? [] : DEFAULT_CAPABILITIES);
  for (const c of drop) caps.delete(c);
  if (add.includes('ALL')) caps = new Set(allCaps.filter((c) => !drop.includes(c)));
  for (const c of add) if (c !== 'ALL') caps.add(c);
  // Order as the kernel numbers them, so that specs compare stably.
  return allCaps.filter((c) => caps.has(c));
}

export function buildSpec(input: {
  id: string; name: string; created: string; imageRef: string; imageId: string; image: ImageRunConfig;
  opts: RunOptions; allCaps: readonly string[];
}): ContainerSpec {
  const { opts, image } = input;
  const hostname = opts.hostname ?? input.id.slice(0, 12);
  const cwd = opts.workdir ?? (image.WorkingDir || '/');
  if (!cwd.startsWith('/')) {
    throw new UsageError(`the working directory \`${cwd}\` is invalid`, 'it needs to be an absolute path');
  }
  return {
    id: input.id,
    name: input.name,
    created: input.created,
    image: { ref: input.imageRef, id: input.imageId },
    process: {
      args: mergeCommand(opts, image),
      env: mergeEnv(image.Env, opts.env, { hostname, tty: opts.tty }),
      cwd,
      user: opts.user ?? image.User ?? '',
      terminal: opts.tty,
      stdin: opts.interactive,
      noNewPrivileges: opts.noNewPrivileges,
      capabilities: computeCapabilities(opts, input.allCaps),
      groupAdd: opts.groupAdd,
    },
    hostname,
    mounts: opts.mounts,
    network: opts.network,
    readOnly: opts.readOnly,
    privileged: opts.privileged,
    autoRemove: opts.rm,
    dns: opts.dns,
    addHosts: opts.addHosts,
  };
}
