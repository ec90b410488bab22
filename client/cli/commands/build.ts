// `myctr build [options] CONTEXT`: parse → build → print the image id. No logic here.
import type { Command } from 'commander';
import { toBuildOptions, type RawBuildFlags } from '../../build/build-options.js';
import { build } from '../../build/builder.js';
import { log } from '../../log.js';
import { collect } from '../collect.js';

export function register(program: Command): void {
  program
    .command('build')
    .description('build an image from a Containerfile (or Dockerfile)')
    .argument('[context]', 'build context directory, or - to read a Containerfile or a context tar from stdin', '.')
    .option('-f, --file <path>', 'the Containerfile (default: CONTEXT/Containerfile, else CONTEXT/Dockerfile)')
    .option('-t, --tag <name>', 'name the image (repeatable)', collect)
    .option('--build-arg <NAME=value>', 'set a build argument (NAME alone takes the host\'s value)', collect)
    .option('--target <stage>', 'build up to this stage')
    .option('--no-cache', 'do not use cached layers')
    .option('--pull [policy]', 'pull base images: always (re-resolve tags), missing (default: when not in the store) or never')
    .option('-q, --quiet', 'print only the image id')
    .option('--progress <mode>', 'progress output: plain (default) or quiet')
    .option('--network <mode>', 'network for RUN steps: host (default) or none')
    .option('--secret <id=NAME,src=FILE>', 'a secret for RUN --mount=type=secret', collect)
    .option('--platform <os/arch>', 'the platform to pull base images for and set TARGETPLATFORM to (default: this host)')
    .option('--tls-verify <bool>', 'false: plain http for the registries of base images', (v) => v !== 'false')
    .action(async (context: string, flags: RawBuildFlags) => {
      const image = await build(toBuildOptions(context, flags), log);
      process.stdout.write(`${image.id}\n`);
    });
}
