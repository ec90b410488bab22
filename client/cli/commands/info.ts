// `myctr info [--format json]`: what this host offers (kernel, rootless, networking modes). No logic here.
import type { Command } from 'commander';
import { collectInfo, renderInfo } from '../../network/info.js';
import type { CommandContext } from './index.js';

export function register(program: Command, _ctx: CommandContext): void {
  program
    .command('info')
    .description('show what this host supports (networking modes, /dev/net/tun, …)')
    .option('--format <format>', 'json for machine-readable output')
    .action((opts: { format?: string }) => {
      const info = collectInfo();
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(info, null, 2)}\n` : renderInfo(info));
    });
}
