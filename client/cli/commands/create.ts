// `myctr create IMAGE [COMMAND...]`: the same options as run; prints the new container's id. No logic here.
import type { Command } from 'commander';
import { log } from '../../log.js';
import { createContainer } from '../../runtime/supervisor/create.js';
import { toLifecycleOptions, type RawLifecycleFlags } from '../../runtime/supervisor/flags.js';
import { toRunOptions, type RawRunFlags } from '../run-options.js';
import { addContainerOptions } from './run.js';

export function register(program: Command): void {
  addContainerOptions(program.command('create')
    .description('create a container without starting it')
    .argument('<image>', 'image name or id')
    .argument('[command...]', 'command and arguments')
    .passThroughOptions())
    .action(async (image: string, command: string[], flags: RawRunFlags & RawLifecycleFlags) => {
      const spec = await createContainer(image, toRunOptions(flags, command), toLifecycleOptions(flags), log);
      process.stdout.write(`${spec.id}\n`);
    });
}
