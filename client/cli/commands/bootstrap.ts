// `myctr bootstrap [SOURCE] [NAME]`: parse → bootstrapImage → print the image id. No logic here.
import type { Command } from 'commander';
import { bootstrapImage } from '../../image/bootstrap.js';
import { ImageStore } from '../../image/store.js';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';

export function register(program: Command): void {
  program
    .command('bootstrap')
    .description('create a base image from host tools: busybox (static busybox), debian[:suite] or ubuntu:<suite> (mmdebstrap)')
    .argument('[source]', 'busybox, debian[:suite] or ubuntu:<suite>', 'busybox')
    .argument('[name]', 'image name (default: busybox:latest, or the source, e.g. debian:bookworm)')
    .action(async (source: string, name: string | undefined) => {
      const result = await bootstrapImage(ImageStore.open(resolvePaths()), source, name);
      if (result.warning) log.warn(result.warning);
      process.stdout.write(`${result.image.id}\n`);
    });
}
