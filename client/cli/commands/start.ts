// `myctr start [-a] [-i] CONTAINER...`: parse → startContainer (and with -a follow the output, with -i forward
// stdin, and exit with the container's code). No logic here.
import type { Command } from 'commander';
import { attachSession } from '../../runtime/supervisor/attach.js';
import { logEnd } from '../../runtime/supervisor/logs.js';
import { context, startContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('start')
    .description('start created or stopped containers')
    .argument('<containers...>', 'names or ids')
    .option('-a, --attach', 'print the container\'s output until it exits; exit with its code')
    .option('-i, --interactive', 'forward stdin to a container created with -i (implies --attach with one container)')
    .action(async (refs: string[], f: { attach?: boolean; interactive?: boolean }) => {
      const ctx = context();
      if ((f.attach || f.interactive) && refs.length === 1) {
        const id = ctx.store.resolve(refs[0]!);
        const from = logEnd(ctx, id);
        await startContainer(ctx, id);
        cli.setExitCode(await attachSession(ctx, id, from, { sigProxy: true, stdin: f.interactive ?? false, closeStdin: true }));
        return;
      }
      cli.setExitCode(await forEachRef(refs, (ref) => startContainer(ctx, ref)));
    });
}
