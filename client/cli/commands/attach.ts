// `myctr attach [--no-stdin] [--no-sig-proxy] CONTAINER`: follow a running container's output until it exits,
// forward stdin to a container created with -i, forward SIGINT/SIGTERM/SIGHUP; exit with its code. With a
// terminal, ctrl-p ctrl-q detaches. No logic here.
import type { Command } from 'commander';
import { attachContainer } from '../../runtime/supervisor/attach.js';
import { context } from '../../runtime/supervisor/operations.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('attach')
    .description('attach to a running container: its output, and stdin when it was created with -i (ctrl-p ctrl-q detaches from a terminal)')
    .argument('<container>', 'name or id')
    .option('--no-stdin', 'do not forward stdin')
    .option('--no-sig-proxy', 'do not forward SIGINT/SIGTERM/SIGHUP to the container')
    .action(async (ref: string, f: { sigProxy: boolean; stdin: boolean }) => {
      cli.setExitCode(await attachContainer(context(), ref, { sigProxy: f.sigProxy, stdin: f.stdin, closeStdin: false }));
    });
}
