// `myctr attach [--no-sig-proxy] CONTAINER`: follow a running container's output until it exits, forwarding
// SIGINT/SIGTERM/SIGHUP to it; exit with its code. Output only: stdin is not connected. No logic here.
import type { Command } from 'commander';
import { attachContainer } from '../../runtime/supervisor/attach.js';
import { context } from '../../runtime/supervisor/operations.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('attach')
    .description('follow a running container\'s output until it exits (stdin is not connected)')
    .argument('<container>', 'name or id')
    .option('--no-sig-proxy', 'do not forward SIGINT/SIGTERM/SIGHUP to the container')
    .action(async (ref: string, f: { sigProxy: boolean }) => {
      cli.setExitCode(await attachContainer(context(), ref, f.sigProxy));
    });
}
