// `myctr exec [-d] [-i] [-t] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`: parse → execInContainer →
// the exec'd process's exit code. No logic here.
import type { Command } from 'commander';
import { execInContainer } from '../../runtime/supervisor/exec.js';
import { context } from '../../runtime/supervisor/operations.js';
import { collect } from '../collect.js';
import { parseEnvArg } from '../run-options.js';
import type { CommandContext } from './index.js';

interface ExecFlags { env?: string[]; workdir?: string; user?: string; interactive?: boolean; tty?: boolean; detach?: boolean }

export function register(program: Command, cli: CommandContext): void {
  program.command('exec')
    .description('run a command in a running container')
    .argument('<container>', 'name or id')
    .argument('<command...>', 'command and arguments')
    .passThroughOptions()
    .option('-e, --env <KEY=value>', 'set an environment variable', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'user name or uid, optionally with a group')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('-d, --detach', 'run the command in the background and return at once')
    .action(async (ref: string, command: string[], f: ExecFlags) => {
      const env = (f.env ?? []).flatMap((e) => parseEnvArg(e, process.env));
      cli.setExitCode(await execInContainer(context(), ref, command, {
        env, interactive: f.interactive ?? false, tty: f.tty ?? false, detach: f.detach ?? false,
        ...(f.workdir !== undefined ? { workdir: f.workdir } : {}), ...(f.user !== undefined ? { user: f.user } : {}),
      }));
    });
}
