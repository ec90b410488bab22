// `myctr system prune`: removes stopped containers (images and build cache are the image commands' business).
import type { Command } from 'commander';
import { context, pruneContainers } from '../../runtime/supervisor/operations.js';
import { groupCommand } from './index.js';

export function register(program: Command): void {
  const group = groupCommand(program, 'system', 'manage myctr');
  group.command('prune')
    .description('remove all stopped containers')
    .option('-f, --force', 'do not ask (accepted for Docker compatibility)')
    .action(async () => {
      const removed = await pruneContainers(context());
      process.stdout.write(`Deleted Containers: ${removed.length}\n${removed.map((id) => `${id}\n`).join('')}`);
    });
}
