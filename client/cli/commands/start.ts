// `myctr start [-a] CONTAINER...`: parse → startContainer (and with -a follow the output and exit with the
// container's code). No logic here.
import type { Command } from 'commander';
import { attachLogs, logEnd } from '../../runtime/supervisor/logs.js';
import { context, startContainer, waitContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('start')
    .description('start created or stopped containers')
    .argument('<containers...>', 'names or ids')
    .option('-a, --attach', 'print the container\'s output until it exits; exit with its code')
    .action(async (refs: string[], f: { attach?: boolean }) => {
      const ctx = context();
      if (f.attach && refs.length === 1) {
        const id = ctx.store.resolve(refs[0]!);
        const from = logEnd(ctx, id);
        await startContainer(ctx, id);
        await attachLogs(ctx, id, from);
        cli.setExitCode(await waitContainer(ctx, id));
        return;
      }
      cli.setExitCode(await forEachRef(refs, (ref) => startContainer(ctx, ref)));
    });
}
