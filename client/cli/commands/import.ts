// `myctr import FILE [NAME]`: parse → importTarFile → print the image id. No logic here.
import type { Command } from 'commander';
import { importTarFile } from '../../image/import.js';
import { ImageStore } from '../../image/store.js';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';

export function register(program: Command): void {
  program
    .command('import')
    .description('create an image from a rootfs tarball (plain, gzip, zstd, xz or bzip2)')
    .argument('<file>', 'the tarball, or - for stdin')
    .argument('[name]', 'image name, e.g. myimg:1.0 (untagged without)')
    .action(async (file: string, name: string | undefined) => {
      const names = name !== undefined ? [name] : [];
      const result = await importTarFile(ImageStore.open(resolvePaths()), file, { names });
      if (result.warning) log.warn(result.warning);
      process.stdout.write(`${result.image.id}\n`);
    });
}
