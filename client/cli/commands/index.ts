// The command table: command name → the modules that register it. main.ts imports only the modules of the
// command being run (a `myctr run` never loads the tar, registry or build code), and all of them for help.
// To add a command: write commands/<name>.ts exporting `register(program, ctx)` and add one line here.
// Groups (`image`, `container`, `system`) may be filled by several modules: use `groupCommand()`.
import type { Command } from 'commander';
import { commandNameOf } from '../command-name.js';

export interface CommandContext {
  /** The exit code the CLI ends with (the container's, for run/start/wait/exec). */
  setExitCode(code: number): void;
}

export interface CommandModule {
  register(program: Command, ctx: CommandContext): void;
}

type Loader = () => Promise<CommandModule>;

export const COMMAND_MODULES: Record<string, Loader[]> = {
  run: [() => import('./run.js')],
  images: [() => import('./images.js')],
  bootstrap: [() => import('./bootstrap.js')],
  import: [() => import('./import.js')],
  port: [() => import('./port.js')],
  info: [() => import('./info.js')],
  build: [() => import('./build.js')],
  ...mergeLoaders(lifecycleCommands(), imageCommands()),
};

/** Image and registry verbs (client/image, client/registry); `image` is a group, `system df` joins `system`. */
function imageCommands(): Record<string, Loader[]> {
  const image: Loader[] = [() => import('./image.js')];
  return {
    pull: [() => import('./pull.js')], push: [() => import('./push.js')], login: [() => import('./login.js')],
    logout: [() => import('./login.js')], save: [() => import('./save.js')], load: [() => import('./load.js')],
    tag: [() => import('./tag.js')], rmi: [() => import('./rmi.js')], diff: [() => import('./diff.js')],
    export: [() => import('./diff.js')], image, system: [() => import('./system-df.js')],
  };
}

function mergeLoaders(...tables: Record<string, Loader[]>[]): Record<string, Loader[]> {
  const out: Record<string, Loader[]> = {};
  for (const t of tables) for (const [k, v] of Object.entries(t)) out[k] = [...(out[k] ?? []), ...v];
  return out;
}

/** Container lifecycle verbs (client/runtime/supervisor); one module per verb, `container`/`system` are groups. */
function lifecycleCommands(): Record<string, Loader[]> {
  const groups: Loader[] = [() => import('./container.js'), () => import('./system.js')];
  const pauseCmd: Loader = () => import('./pause.js');
  return {
    ps: [() => import('./ps.js')], logs: [() => import('./logs.js')], inspect: [() => import('./inspect.js')],
    rm: [() => import('./rm.js')], wait: [() => import('./wait.js')], exec: [() => import('./exec.js')],
    create: [() => import('./create.js')], stop: [() => import('./stop.js')], kill: [() => import('./kill.js')],
    restart: [() => import('./restart.js')], start: [() => import('./start.js')], attach: [() => import('./attach.js')],
    pause: [pauseCmd], unpause: [pauseCmd],
    container: groups, system: groups,
  };
}

/** The `name` group command, created on first use, so that several modules can add subcommands to it. */
export function groupCommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export async function loadCommands(args: readonly string[]): Promise<CommandModule[]> {
  const name = commandNameOf(args);
  // `myctr --version` needs no command at all; `myctr --help` (or no command) lists them all.
  if (name === undefined && args.includes('--version')) return [];
  const loaders = name !== undefined && COMMAND_MODULES[name] ? COMMAND_MODULES[name] : [...new Set(Object.values(COMMAND_MODULES).flat())];
  // One module may serve several names (login/logout): register each module once.
  return [...new Set(await Promise.all(loaders.map((load) => load())))];
}
