// `myctr rmi [-f] IMAGE…`. No logic here.
import type { Command } from 'commander';
import { removeImages } from '../../image/image-ops.js';
import { ImageStore } from '../../image/store.js';
import { resolvePaths } from '../../paths.js';

export function register(program: Command): void {
  program
    .command('rmi')
    .description('remove images (a name of a multi-name image only untags it)')
    .argument('<images...>')
    .option('-f, --force', 'remove even if containers use the image, and all its names')
    .action(async (refs: string[], flags: { force?: boolean }) => {
      const paths = resolvePaths();
      const res = await removeImages(ImageStore.open(paths), paths, refs, flags.force === true);
      for (const n of res.untagged) process.stdout.write(`Untagged: ${n}\n`);
      for (const id of res.deleted) process.stdout.write(`Deleted: ${id}\n`);
    });
}
