// Starting the container init: the stage-0 options (which namespaces, the init entry, its clean env), and
// prespawnInit, which starts it before the CLI has loaded its heavier modules and resolved the image, so
// that the init's own Node start-up overlaps with that work. An unused pre-started init dies with the CLI
// (setpriv --pdeathsig), so starting one early can leave nothing behind.
import { isRoot } from '../../paths.js';
import { currentUserIdMap } from '../idmap.js';
import { nodeEntryArgv } from '../node-entry.js';
import { spawnStage0, type Adopter, type Namespace, type Stage0, type Stage0Options } from './stage0.js';

/** Set by a process that is a child subreaper (the supervisor): its containers' PID 1 become its children. */
let initAdopter: Adopter | undefined;
export function adoptInits(adopter: Adopter): void { initAdopter = adopter; }

export interface InitProcessOptions {
  hostNetwork: boolean;
  /** fds 0-2 (and 4 for a terminal socket) of the init; fd 3 is the sync socket. */
  stdio: unknown[];
}

export interface PrespawnedInit {
  hostNetwork: boolean;
  /** The init has the CLI's stdin (the launcher started it, early-stage0.ts) and must swap in /dev/null. */
  nullStdin?: boolean;
  stage0: Promise<Stage0>;
}

export function initStage0Options(o: InitProcessOptions): Stage0Options {
  const rootless = !isRoot();
  const namespaces: Namespace[] = [...(rootless ? ['user' as const] : []), 'mount', 'pid', 'uts', 'ipc', 'cgroup',
    ...(o.hostNetwork ? [] : ['net' as const])];
  return {
    namespaces,
    argv: nodeEntryArgv(import.meta.url, '../init/main.js'),
    ...(rootless ? { idMap: currentUserIdMap() } : {}),
    stdio: o.stdio,
    // A clean environment; the code cache directory is the CLI's (client/launch/bundle-launcher.cts).
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      MYCTR_INIT_USERNS: rootless ? '1' : '0',
      ...(process.env.MYCTR_CODE_CACHE ? { MYCTR_CODE_CACHE: process.env.MYCTR_CODE_CACHE } : {}),
    },
    keepSync: true,
    detached: true,
    ...(initAdopter ? { adopter: initAdopter } : {}),
  };
}

export function spawnInit(o: InitProcessOptions): Promise<Stage0> {
  return spawnStage0(initStage0Options(o));
}

/** Starts the init now; the promise's rejection is kept for whoever consumes it (no unhandled rejection). */
export function prespawnInit(o: InitProcessOptions): PrespawnedInit {
  const stage0 = spawnInit(o);
  stage0.catch(() => undefined);
  return { hostNetwork: o.hostNetwork, stage0 };
}
