// `myctr stop [-t SECONDS] [-s SIGNAL] CONTAINER...`: parse → stopContainer for each → print the refs. No logic here.
import type { Command } from 'commander';
import { context, stopContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  program.command('stop')
    .description('stop running containers: the stop signal, then SIGKILL after the timeout')
    .argument('<containers...>', 'names or ids')
    .option('-t, --time <seconds>', 'seconds to wait before SIGKILL (default: the container\'s, 10)')
    .option('-s, --signal <signal>', 'signal to send first (default: the image\'s STOPSIGNAL or SIGTERM)')
    .action(async (refs: string[], f: { time?: string; signal?: string }) => {
      const ctx = context();
      const t = f.time !== undefined ? Number(f.time) : undefined;
      cli.setExitCode(await forEachRef(refs, (ref) => stopContainer(ctx, ref, t, f.signal)));
    });
}
