// The myctr CLI (started by main.ts): registers the commands, and is the one place that turns errors into
// `myctr: …` + `hint: …` and exit codes (125 myctr's own error, 126 cannot execute, 127 not found, else the
// container's).
import { Command, CommanderError } from 'commander';
import { log, setLogLevel } from '../log.js';
import { MyctrError, messageOf } from '../runtime/errors.js';
import type { CommandModule } from './commands/index.js';

const EXIT_FOR_CODE: Partial<Record<string, number>> = { MYCTR_CANNOT_EXECUTE: 126, MYCTR_COMMAND_NOT_FOUND: 127 };

export function exitCodeFor(err: unknown): number {
  if (err instanceof MyctrError) return (err as { exitCode?: number }).exitCode ?? EXIT_FOR_CODE[err.code] ?? 125;
  return 125;
}

function printError(err: unknown): void {
  if (err instanceof CommanderError) return; // commander printed it already
  process.stderr.write(`myctr: ${messageOf(err)}\n`);
  const hint = err instanceof MyctrError ? err.hint : undefined;
  if (hint) process.stderr.write(`hint: ${hint}\n`);
  if (log.isLevelEnabled('debug') && err instanceof Error) {
    let cause: unknown = err;
    while (cause instanceof Error) { process.stderr.write(`  ${cause.stack ?? cause.message}\n`); cause = cause.cause; }
  }
}

export function buildProgram(modules: readonly CommandModule[], setExitCode: (code: number) => void): Command {
  const program = new Command('myctr')
    .description('a rootless-first, daemonless container engine')
    .version(process.env.npm_package_version ?? '0.1.0', '--version')
    .option('--log-level <level>', 'debug, info, warn (default) or error')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (cmd) => {
      const level = cmd.opts<{ logLevel?: string }>().logLevel;
      if (level) setLogLevel(level);
    });
  program.configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/^error: /, 'myctr: ')) });
  for (const m of modules) m.register(program, { setExitCode });
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Runs the CLI on process.argv with the command modules `load` gives for it: loadCommands (commands/index.ts)
 * for the whole table (main.ts), `run` alone in the bundle of `myctr run` (run-main.ts).
 */
export async function main(load: (args: readonly string[]) => Promise<CommandModule[]>): Promise<void> {
  let exitCode = 0;
  const program = buildProgram(await load(process.argv.slice(2)), (c) => { exitCode = c; });
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      exitCode = err.exitCode === 0 ? 0 : 125;
    } else {
      printError(err);
      exitCode = exitCodeFor(err);
    }
  }
  process.exit(exitCode);
}
