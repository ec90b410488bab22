// `myctr restart [-t SECONDS] CONTAINER...`: stop then start each. No logic here.
import type { Command } from 'commander';
import { context, startContainer, stopContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('restart')
    .description('stop and start containers')
    .argument('<containers...>', 'names or ids')
    .option('-t, --time <seconds>', 'seconds to wait before SIGKILL')
    .action(async (refs: string[], f: { time?: string }) => {
      const ctx = context();
      const t = f.time !== undefined ? Number(f.time) : undefined;
      cli.setExitCode(await forEachRef(refs, async (ref) => { await stopContainer(ctx, ref, t); return startContainer(ctx, ref); }));
    });
}
