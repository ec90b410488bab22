// `myctr images`: parse → list the store → render (client/image/images-view.ts). No logic here.
import type { Command } from 'commander';
import { renderImages } from '../../image/images-view.js';
import { ImageStore } from '../../image/store.js';
import { resolvePaths } from '../../paths.js';

interface ImagesFlags { quiet?: boolean; format?: string; trunc: boolean }

export function register(program: Command): void {
  program
    .command('images')
    .description('list images')
    .option('-q, --quiet', 'show only image ids')
    .option('--format <format>', 'output format: table (default) or json')
    .option('--no-trunc', 'show full image ids')
    .action((flags: ImagesFlags) => {
      const images = ImageStore.open(resolvePaths()).list();
      process.stdout.write(renderImages(images, { quiet: flags.quiet, format: flags.format, noTrunc: !flags.trunc }));
    });
}
