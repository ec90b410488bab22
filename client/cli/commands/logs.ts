// `myctr logs [-f] [-t] [--tail N] [--since T] [--until T] CONTAINER`: parse → showLogs. No logic here.
import type { Command } from 'commander';
import { showLogs } from '../../runtime/supervisor/logs.js';
import { context } from '../../runtime/supervisor/operations.js';

interface LogsFlags { follow?: boolean; timestamps?: boolean; tail?: string; since?: string; until?: string }

export function register(program: Command): void {
  program.command('logs')
    .description('print a container\'s output')
    .argument('<container>', 'name or id (prefix)')
    .option('-f, --follow', 'keep printing until the container exits')
    .option('-t, --timestamps', 'prefix each line with its time')
    .option('-n, --tail <lines>', 'only the last N lines (or all)')
    .option('--since <time>', 'only lines since a time (10m, 1h, RFC 3339, unix seconds)')
    .option('--until <time>', 'only lines before a time')
    .action(async (ref: string, f: LogsFlags) => {
      await showLogs(context(), ref, { follow: f.follow ?? false, timestamps: f.timestamps ?? false,
        ...(f.tail !== undefined ? { tail: f.tail } : {}), ...(f.since !== undefined ? { since: f.since } : {}),
        ...(f.until !== undefined ? { until: f.until } : {}) });
    });
}
