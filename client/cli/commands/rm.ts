// `myctr rm [-f] CONTAINER...`: parse → removeContainer for each → print the refs. No logic here.
import type { Command } from 'commander';
import { context, removeContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('rm')
    .description('remove containers')
    .argument('<containers...>', 'names or ids')
    .option('-f, --force', 'kill running containers first')
    .action(async (refs: string[], f: { force?: boolean }) => {
      const ctx = context();
      cli.setExitCode(await forEachRef(refs, async (ref) => { await removeContainer(ctx, ref, f.force ?? false); return ref; }));
    });
}
