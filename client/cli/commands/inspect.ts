// `myctr inspect [--format TEMPLATE] CONTAINER...`: Docker-shaped JSON array, or a Go template per container.
import type { Command } from 'commander';
import { inspectContainers } from '../../runtime/supervisor/inspect.js';

export function register(program: Command): void {
  program.command('inspect')
    .description('show containers\' configuration and state as JSON')
    .argument('<containers...>', 'names or ids')
    .option('-f, --format <template>', 'a Go template such as \'{{.State.Pid}}\', or json')
    .action((refs: string[], f: { format?: string }) => {
      process.stdout.write(inspectContainers(refs, f.format));
    });
}
