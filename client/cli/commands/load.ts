// `myctr load [-i FILE]`: myctr, OCI layout or docker save archives (plain or compressed). No logic here.
import type { Command } from 'commander';
import { loadArchive } from '../../image/load.js';
import { parsePlatform } from '../../image/platform.js';
import { ImageStore } from '../../image/store.js';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';

export function register(program: Command): void {
  program
    .command('load')
    .description('load images from an archive (myctr, oci-archive or docker-archive; detected)')
    .option('-i, --input <file>', 'archive file (default: stdin)', '-')
    .option('--platform <os/arch>', 'the platform to pick from a multi-arch OCI archive')
    .action(async (flags: { input: string; platform?: string }) => {
      const res = await loadArchive(ImageStore.open(resolvePaths()), flags.input, flags.platform ? { platform: parsePlatform(flags.platform) } : {});
      for (const w of new Set(res.warnings)) log.warn(w);
      for (const img of res.images) process.stdout.write(`Loaded image: ${img.names[0] ?? img.id}\n`);
    });
}
