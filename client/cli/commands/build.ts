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
    .option('--pull [policy]', 'pull the base images: always, missing (default) or never')
    .option('-q, --quiet', 'print only the image id')
    .option('--progress <mode>', 'progress output: plain (default) or quiet')
    .option('--network <mode>', 'network for RUN steps: host (default) or none')
    .option('--secret <id=NAME,src=FILE>', 'a secret for RUN --mount=type=secret', collect)
    .action(async (context: string, flags: RawBuildFlags) => {
      const image = await build(toBuildOptions(context, flags), log);
      process.stdout.write(`${image.id}\n`);
    });
}
