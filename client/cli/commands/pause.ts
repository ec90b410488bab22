// `myctr pause CONTAINER...` / `myctr unpause CONTAINER...`: freeze or thaw every process of a container
// (needs a freezer cgroup: see client/runtime/supervisor/freezer.ts). No logic here.
import type { Command } from 'commander';
import { context, pauseContainer } from '../../runtime/supervisor/operations.js';
import { forEachRef } from '../../runtime/supervisor/each.js';
import type { CommandContext } from './index.js';

export function register(program: Command, cli: CommandContext): void {
  for (const [name, pause] of [['pause', true], ['unpause', false]] as const) {
    program.command(name)
      .description(pause ? 'freeze every process of running containers' : 'thaw paused containers')
      .argument('<containers...>', 'names or ids')
      .action(async (refs: string[]) => {
        const ctx = context();
        cli.setExitCode(await forEachRef(refs, async (ref) => { await pauseContainer(ctx, ref, pause); return ref; }));
      });
  }
}
