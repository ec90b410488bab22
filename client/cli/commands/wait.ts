// `myctr wait CONTAINER...`: block until each exits; print its exit code. No logic here.
import type { Command } from 'commander';
import { context, waitContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('wait')
    .description('wait for containers to exit and print their exit codes')
    .argument('<containers...>', 'names or ids')
    .action(async (refs: string[]) => {
      const ctx = context();
      cli.setExitCode(await forEachRef(refs, async (ref) => String(await waitContainer(ctx, ref))));
    });
}
