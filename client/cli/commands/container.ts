// `myctr container prune|ls|rm|…`: the container group. prune removes every container that is not running.
import type { Command } from 'commander';
import { context, pruneContainers } from '../../runtime/supervisor/operations.js';
import { groupCommand } from './index.js';

export function register(program: Command): void {
  const group = groupCommand(program, 'container', 'manage containers');
  group.command('prune')
    .description('remove all stopped containers')
    .option('-f, --force', 'do not ask (myctr never asks; accepted for Docker compatibility)')
    .action(async () => {
      const removed = await pruneContainers(context());
      process.stdout.write(removed.length ? `Deleted Containers:\n${removed.map((id) => `${id}\n`).join('')}` : '');
    });
}
