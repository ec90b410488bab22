// `myctr system df`: the images part of disk usage (layers shared by images counted once). No logic here.
import type { Command } from 'commander';
import { formatSize } from '../../image/format.js';
import { diskUsage } from '../../image/image-ops.js';
import { ImageStore } from '../../image/store.js';
import { resolvePaths } from '../../paths.js';
import { ContainerStore } from '../../runtime/container-store.js';

export function register(program: Command): void {
  (program.commands.find((c) => c.name() === 'system') ?? program.command('system').description('manage myctr'))
    .command('df')
    .description('show disk usage of images and containers')
    .option('--format <format>', 'table (default) or json')
    .action((flags: { format?: string }) => {
      const paths = resolvePaths();
      const u = diskUsage(ImageStore.open(paths), paths);
      const ctrs = new ContainerStore(paths).ids().length;
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify({ ...u, containers: { total: ctrs } }, null, 2)}\n`);
        return;
      }
      const pct = u.images.size ? ` (${Math.round((u.images.reclaimable / u.images.size) * 100)}%)` : '';
      const rows = [['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
        ['Images', String(u.images.total), String(u.images.active), formatSize(u.images.size), `${formatSize(u.images.reclaimable)}${pct}`],
        ['Containers', String(ctrs), '', '', '']];
      const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('   ').trimEnd()).join('\n') + '\n');
    });
}
