// `myctr save [-o FILE] [--format myctr|oci-archive|docker-archive] IMAGE`. No logic here.
import type { Command } from 'commander';
import { saveImage } from '../../image/save.js';
import { ImageStore } from '../../image/store.js';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';
import { UsageError } from '../../runtime/errors.js';

const FORMATS = ['myctr', 'oci-archive', 'docker-archive'] as const;

export function register(program: Command): void {
  program
    .command('save')
    .description('write an image to an archive')
    .argument('<image>')
    .option('-o, --output <file>', 'archive file (default: stdout)')
    .option('--format <format>', 'myctr (default), oci-archive or docker-archive', 'myctr')
    .action(async (ref: string, flags: { output?: string; format: string }) => {
      const format = FORMATS.find((f) => f === flags.format);
      if (!format) throw new UsageError(`unknown archive format \`${flags.format}\``, `use one of ${FORMATS.join(', ')}`);
      const store = ImageStore.open(resolvePaths());
      const img = store.resolve(ref);
      const name = img.names.find((n) => n === ref || n.endsWith(`/${ref}`) || n.endsWith(`/${ref}:latest`));
      const res = await saveImage(store, img, format, flags.output, name);
      for (const w of res.warnings) log.warn(w);
    });
}
