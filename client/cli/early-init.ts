// The container init of a foreground `myctr run`, started before the CLI loads commander and the commands:
// the init's Node start-up is the longest step of a run, so it should begin as early as the CLI can know what
// kind of init it needs (host network or not, stdin or not). This reads only what it must from argv and
// leaves the real parsing to commander; `run` then takes the early init if it matches the parsed flags and
// otherwise kills it and starts its own (takeEarlyInit), so a wrong guess costs time, never behaviour.
// An unused early init (an error before launch, --help) dies with the CLI (setpriv --pdeathsig).
// Earlier still, the `myctr` launcher may have started the init's stage 0 before this Node process booted
// (client/launch/myctr.sh): then it is adopted here instead (early-stage0.ts), or killed if it does not fit.
import { isRoot } from '../paths.js';
import { currentUserIdMap } from '../runtime/idmap.js';
import { adoptEarlyStage0, discardLauncherStage0, takeLauncherStage0 } from '../runtime/start/early-stage0.js';
import { prespawnInit, spawnInit, type PrespawnedInit } from '../runtime/start/init-process.js';
import { commandNameOf } from './command-name.js';

/** `run`'s options that take a value (commander's `<…>` options of run.ts); anything else unknown: no guess. */
export const RUN_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  '--name', '-e', '--env', '--env-file', '-w', '--workdir', '-u', '--user', '--group-add', '-h', '--hostname',
  '--entrypoint', '-v', '--volume', '--tmpfs', '--network', '-p', '--publish', '--dns-search', '--dns',
  '--add-host', '--cap-add', '--cap-drop', '--security-opt', '--restart', '--log-opt', '--stop-signal',
  '--stop-timeout',
]);
/** `run`'s boolean options. */
export const RUN_FLAG_OPTIONS: ReadonlySet<string> = new Set([
  '--rm', '-i', '--interactive', '-t', '--tty', '--read-only', '-P', '--publish-all', '--privileged', '--init',
  '-d', '--detach',
]);
const SHORT_FLAGS: Record<string, string> = { i: '--interactive', t: '--tty', P: '--publish-all', d: '--detach' };

export interface EarlyRunFlags {
  hostNetwork: boolean;
  interactive: boolean;
}

/**
 * What a foreground, terminal-less `myctr run` needs to know to start its init, read from the CLI's argv
 * (without node and the script); undefined when it is not such a run or when argv holds anything unexpected.
 */
export function earlyRunFlags(args: readonly string[]): EarlyRunFlags | undefined {
  if (commandNameOf(args) !== 'run') return undefined;
  let i = args.indexOf('run') + 1;
  // Before the command only --log-level may come (--help, --version: no run).
  if (args.slice(0, i - 1).some((a) => a.startsWith('-') && a !== '--log-level' && !a.startsWith('--log-level='))) return undefined;
  const seen = new Set<string>();
  let network: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-') break; // the image: the rest belongs to the container
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (RUN_VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) return undefined;
      if (name === '--network') network = value;
    } else if (RUN_FLAG_OPTIONS.has(name) && eq < 0) {
      seen.add(name.length === 2 ? SHORT_FLAGS[name[1]!] ?? name : name);
    } else if (/^-[a-zA-Z]{2,}$/.test(a) && [...a.slice(1)].every((c) => SHORT_FLAGS[c])) {
      for (const c of a.slice(1)) seen.add(SHORT_FLAGS[c]!);
    } else {
      return undefined; // --help, a typo, an option this list does not know: let commander decide
    }
  }
  if (seen.has('--tty') || seen.has('--detach')) return undefined;
  return { hostNetwork: network === 'host', interactive: seen.has('--interactive') };
}

// Kept on globalThis: the built CLI starts its init from a small bundle of this file that runs before the
// big one is even compiled (early-main.ts, scripts/bundle.ts), so two copies of this module share it.
const EARLY = Symbol.for('myctr.earlyInit');
/** anyStdin: the launcher's stage 0 has the CLI's stdin, and the init swaps in /dev/null for a run without -i. */
interface EarlySlot { early?: { flags: EarlyRunFlags; anyStdin: boolean; init: PrespawnedInit } }
function slot(): EarlySlot | undefined { return (globalThis as Record<symbol, EarlySlot | undefined>)[EARLY]; }

/**
 * Starts the init for a foreground `myctr run` now, if argv says that is what this process will do; once.
 * Returns the start's promise, which settles when the init needs nothing more from this process's event loop
 * (rootless: its id map is written): the launcher waits for it before compiling the CLI, else the map request
 * would wait ~45 ms behind that synchronous work.
 */
export function startEarlyInit(args: readonly string[]): Promise<unknown> | undefined {
  if (slot()) return undefined;
  const launched = takeLauncherStage0();
  const flags = earlyRunFlags(args);
  let early: EarlySlot['early'];
  if (launched && flags && !flags.hostNetwork) {
    const stage0 = adoptEarlyStage0(launched, isRoot() ? undefined : currentUserIdMap());
    stage0.catch(() => undefined); // run spawns its own (takeEarlyInit)
    early = { flags, anyStdin: true, init: { hostNetwork: false, nullStdin: !flags.interactive, stage0 } };
  } else {
    if (launched) discardLauncherStage0(launched);
    if (flags) early = { flags, anyStdin: false, init: prespawnInit(initOptions(flags)) };
  }
  (globalThis as Record<symbol, EarlySlot>)[EARLY] = early ? { early } : {};
  return early?.init.stage0;
}

export function initOptions(flags: EarlyRunFlags): { hostNetwork: boolean; stdio: unknown[] } {
  return { hostNetwork: flags.hostNetwork, stdio: [flags.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'] };
}

/**
 * The early init if it fits `flags` (commander's reading of argv; undefined: the run needs none of this kind,
 * as with -t or -d). A misfit is killed, and undefined returned.
 */
export function takeEarlyInit(flags: EarlyRunFlags | undefined): PrespawnedInit | undefined {
  const s = slot();
  const e = s?.early;
  if (!e) return undefined;
  delete s.early;
  if (flags && e.flags.hostNetwork === flags.hostNetwork && (e.anyStdin || e.flags.interactive === flags.interactive)) {
    // A failed early start is retried here, so that its error (a missing tool, no id map) comes from this
    // module graph's classes: the early bundle's MyctrError is another class (instanceof would not hold).
    const stage0 = e.init.stage0.catch(() => spawnInit(initOptions(flags)));
    stage0.catch(() => undefined); // kept for the consumer, as prespawnInit does
    return { ...e.init, ...(e.anyStdin ? { nullStdin: !flags.interactive } : {}), stage0 };
  }
  // EOF on its sync socket ends an init that is still starting; SIGKILL ends the stage-0 tree.
  void e.init.stage0.then((s) => { s.sync.destroy(); s.child.kill('SIGKILL'); s.spawner?.release(); }, () => undefined);
  return undefined;
}
