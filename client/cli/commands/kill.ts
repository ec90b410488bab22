// `myctr kill [-s SIGNAL] CONTAINER...`: parse → killContainer for each. No logic here.
import type { Command } from 'commander';
import { context, killContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('kill')
    .description('send a signal (default SIGKILL) to running containers')
    .argument('<containers...>', 'names or ids')
    .option('-s, --signal <signal>', 'signal to send', 'KILL')
    .action(async (refs: string[], f: { signal: string }) => {
      const ctx = context();
      cli.setExitCode(await forEachRef(refs, (ref) => killContainer(ctx, ref, f.signal)));
    });
}
