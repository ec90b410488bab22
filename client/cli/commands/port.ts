// `myctr port CONTAINER [PRIVATE_PORT[/PROTO]]`: list the container's published ports. No logic here.
import type { Command } from 'commander';
import { portLines } from '../../network/port-view.js';
import { resolvePaths } from '../../paths.js';
import type { CommandContext } from './index.js';

export function register(program: Command, _ctx: CommandContext): void {
  program
    .command('port')
    .description('list the published ports of a running container')
    .argument('<container>', 'container name or id')
    .argument('[private-port]', 'only this container port, e.g. 80/tcp')
    .action((ref: string, privatePort: string | undefined) => {
      for (const line of portLines(resolvePaths(), ref, privatePort)) process.stdout.write(`${line}\n`);
    });
}
