// `myctr pull REF`: parse → pullImage → print the image id. No logic here.
import type { Command } from 'commander';
import { parsePlatform } from '../../image/platform.js';
import { ImageStore } from '../../image/store.js';
import { log } from '../../log.js';
import { resolvePaths } from '../../paths.js';
import { pullImage } from '../../registry/pull.js';
import { clientFor, remoteTarget } from '../../registry/target.js';

export function register(program: Command): void {
  program
    .command('pull')
    .description('pull an image from a registry (Docker Hub for names without a registry)')
    .argument('<image>', 'e.g. alpine:3.20 or 127.0.0.1:5000/team/app:1.2')
    .option('--platform <os/arch>', 'the platform to pick from a multi-arch image (default: this host)')
    .option('--tls-verify <bool>', 'false: plain http for this registry', (v) => v !== 'false')
    .option('-q, --quiet', 'print only the image id')
    .action(async (ref: string, flags: { platform?: string; tlsVerify?: boolean; quiet?: boolean }) => {
      const paths = resolvePaths();
      const target = remoteTarget(ref);
      const store = ImageStore.open(paths);
      const res = await pullImage(store, clientFor(paths, target, { tlsVerify: flags.tlsVerify }), target,
        flags.platform ? { platform: parsePlatform(flags.platform) } : {});
      for (const w of new Set(res.warnings)) log.warn(w);
      if (!flags.quiet) process.stderr.write(`${target.canonical}: ${res.fetched} layer(s) fetched, ${res.reused} already present; manifest ${res.manifestDigest}\n`);
      process.stdout.write(`${res.image.id}\n`);
    });
}
