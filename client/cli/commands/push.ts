// `myctr push IMAGE [DEST]`: parse → pushImage → print the manifest digest. No logic here.
import type { Command } from 'commander';
import { ImageStore } from '../../image/store.js';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';
import { UsageError } from '../../runtime/errors.js';
import { pushImage } from '../../registry/push.js';
import { clientFor, remoteTarget } from '../../registry/target.js';

export function register(program: Command): void {
  program
    .command('push')
    .description('push an image to a registry')
    .argument('<image>', 'local image')
    .argument('[destination]', 'registry/path:tag (default: the image name)')
    .option('--format <format>', 'manifest format: oci (default) or v2s2 (Docker)', 'oci')
    .option('--chunk-size <bytes>', 'upload blobs in chunks of this size (default: one request per blob)', (v) => Number(v))
    .option('--tls-verify <bool>', 'false: plain http for this registry', (v) => v !== 'false')
    .action(async (src: string, dest: string | undefined, flags: { format: string; chunkSize?: number; tlsVerify?: boolean }) => {
      if (flags.format !== 'oci' && flags.format !== 'v2s2') throw new UsageError(`unknown manifest format \`${flags.format}\``, 'use oci or v2s2');
      if (flags.chunkSize !== undefined && !(flags.chunkSize > 0)) throw new UsageError('--chunk-size must be a positive number of bytes');
      const paths = resolvePaths();
      const store = ImageStore.open(paths);
      const img = store.resolve(src);
      const target = remoteTarget(dest ?? img.names.find((n) => n === src || n.endsWith(`/${src}`)) ?? src);
      const res = await pushImage(store, img, clientFor(paths, target, { push: true, tlsVerify: flags.tlsVerify }), target,
        { format: flags.format, chunkSize: flags.chunkSize });
      for (const w of res.warnings) log.warn(w);
      process.stderr.write(`${target.canonical}: ${res.uploaded} blob(s) uploaded, ${res.skipped} already there\n`);
      process.stdout.write(`${res.digest}\n`);
    });
}
