// `myctr tag SOURCE TARGET`. No logic here.
import type { Command } from 'commander';
import { tagImage } from '../../image/image-ops.js';
import { ImageStore } from '../../image/store.js';
import { resolvePaths } from '../../paths.js';

export function register(program: Command): void {
  program
    .command('tag')
    .description('give an image another name')
    .argument('<source>', 'image name or id')
    .argument('<target>', 'new name, e.g. app:1.2 or 127.0.0.1:5000/team/app:1.2')
    .action(async (source: string, target: string) => {
      await tagImage(ImageStore.open(resolvePaths()), source, target);
    });
}
