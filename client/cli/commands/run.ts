// `myctr run IMAGE [COMMAND [ARG...]]`: parse → runContainer → exit code. No logic here.
import type { Command } from 'commander';
import type { CommandContext } from './index.js';
import { log } from '../../log.js';
import { runContainer } from '../../runtime/run-container.js';
import { collect } from '../collect.js';
import { toRunOptions, type RawRunFlags } from '../run-options.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('run a command in a new container')
    .argument('<image>', 'image name or id')
    .argument('[command...]', 'command and arguments (default: the image\'s ENTRYPOINT and CMD)')
    .passThroughOptions()
    .option('--name <name>', 'assign a name to the container')
    .option('--rm', 'remove the container when it exits')
    .option('-e, --env <KEY=value>', 'set an environment variable (KEY alone takes the host\'s value)', collect)
    .option('--env-file <file>', 'read environment variables from a file', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'user name or uid, optionally with a group')
    .option('--group-add <group>', 'add a supplementary group', collect)
    .option('-h, --hostname <name>', 'container host name')
    .option('--entrypoint <cmd>', 'override the image\'s ENTRYPOINT ("" clears it)')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('--read-only', 'mount the container\'s root filesystem read-only')
    .option('-v, --volume <host:ctr[:ro]>', 'bind-mount a host path', collect)
    .option('--tmpfs <path[:opts]>', 'mount a tmpfs (default rw,noexec,nosuid,nodev)', collect)
    .option('--network <mode>', 'network: none (loopback only) or host (the host\'s network, less isolated)')
    .option('--dns <ip>', 'DNS server for /etc/resolv.conf', collect)
    .option('--add-host <name:ip>', 'add a line to /etc/hosts', collect)
    .option('--privileged', 'keep all capabilities and unmask /proc and /sys paths')
    .option('--cap-add <cap>', 'add a capability (or ALL)', collect)
    .option('--cap-drop <cap>', 'drop a capability (or ALL)', collect)
    .option('--security-opt <opt>', 'security option: no-new-privileges', collect)
    .action(async (image: string, command: string[], flags: RawRunFlags) => {
      const result = await runContainer(image, toRunOptions(flags, command), log);
      ctx.setExitCode(result.exitCode);
    });
}
