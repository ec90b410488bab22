// `myctr ps [-a] [-q] [--format json|TEMPLATE] [--no-trunc]`: parse → list → render. No logic here.
import type { Command } from 'commander';
import { listContainers } from '../../runtime/supervisor/listing.js';

interface PsFlags { all?: boolean; quiet?: boolean; format?: string; trunc: boolean }

export function register(program: Command): void {
  const action = (flags: PsFlags) => {
    process.stdout.write(listContainers({ all: flags.all ?? false, quiet: flags.quiet ?? false, noTrunc: !flags.trunc,
      ...(flags.format !== undefined ? { format: flags.format } : {}) }));
  };
  program.command('ps')
    .description('list containers')
    .option('-a, --all', 'show all containers (default: running only)')
    .option('-q, --quiet', 'show only container ids')
    .option('--format <format>', 'json, or a Go template such as \'{{.ID}} {{.Names}}\'')
    .option('--no-trunc', 'show full ids')
    .action(action);
}
