// `myctr run IMAGE [COMMAND [ARG...]]`: parse → runContainer (foreground) or runDetached (-d) → exit code.
// Also exports the container options that `create` shares. No logic here.
import type { Command } from 'commander';
import type { CommandContext } from './index.js';
import { log } from '../../log.js';
import { prespawnInit } from '../../runtime/start/init-process.js';
import { collect } from '../collect.js';
import { initOptions, takeEarlyInit, type EarlyRunFlags } from '../early-init.js';
import { toRunOptions, type RawRunFlags } from '../run-options.js';
import { toLifecycleOptions, type RawLifecycleFlags } from '../../runtime/supervisor/flags.js';

export function register(program: Command, ctx: CommandContext): void {
  addContainerOptions(program
    .command('run')
    .description('run a command in a new container')
    .argument('<image>', 'image name or id')
    .argument('[command...]', 'command and arguments (default: the image\'s ENTRYPOINT and CMD)')
    .passThroughOptions()
    .option('-d, --detach', 'run in the background under the supervisor and print the container id'))
    .action(async (image: string, command: string[], flags: RawRunFlags & RawLifecycleFlags & { detach?: boolean }) => {
      const lifecycle = toLifecycleOptions(flags);
      if (flags.detach) {
        takeEarlyInit(undefined);
        const { runDetached } = await import('../../runtime/supervisor/run-detached.js');
        process.stdout.write(`${await runDetached(image, toRunOptions(flags, command), lifecycle, log)}\n`);
        return;
      }
      if (lifecycle.restart && lifecycle.restart.policy !== 'no') {
        // The policy outlives this CLI (as Docker's): the supervisor runs the container, we attach to it.
        takeEarlyInit(undefined);
        const { runAttached } = await import('../../runtime/supervisor/run-attached.js');
        ctx.setExitCode(await runAttached(image, toRunOptions(flags, command), lifecycle, log));
        return;
      }
      // The container's init starts before the runtime is loaded and the image resolved, so that its Node
      // start-up overlaps with that work: main.ts started it already when argv was clear enough
      // (early-init.ts), else it starts now (not with a terminal: the pty socket is made with the FFI later).
      const early: EarlyRunFlags = { hostNetwork: flags.network === 'host', interactive: flags.interactive === true };
      const prespawned = flags.tty ? takeEarlyInit(undefined) : takeEarlyInit(early) ?? prespawnInit(initOptions(early));
      const { runContainer } = await import('../../runtime/run-container.js');
      const result = await runContainer(image, { ...toRunOptions(flags, command), ...(flags.init ? { init: true } : {}) }, log, prespawned, lifecycle);
      ctx.setExitCode(result.exitCode);
    });
}

/** The options of a new container, shared by `run` and `create`. */
export function addContainerOptions(cmd: Command): Command {
  return cmd
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
    .option('--network <mode>', 'network: pasta[:opts] (default when installed), slirp4netns[:allow_host_loopback=true], none (loopback only) or host (the host\'s network, less isolated)')
    .option('-p, --publish <[ip:]host:ctr[/proto]>', 'publish a container port on the host (ranges; `-p 80` picks a free host port)', collect)
    .option('-P, --publish-all', 'publish every port the image EXPOSEs on a free host port')
    .option('--dns-search <domain>', 'DNS search domain for /etc/resolv.conf', collect)
    .option('--dns <ip>', 'DNS server for /etc/resolv.conf', collect)
    .option('--add-host <name:ip>', 'add a line to /etc/hosts', collect)
    .option('--privileged', 'keep all capabilities and unmask /proc and /sys paths')
    .option('--cap-add <cap>', 'add a capability (or ALL)', collect)
    .option('--cap-drop <cap>', 'drop a capability (or ALL)', collect)
    .option('--security-opt <opt>', 'security option: no-new-privileges', collect)
    .option('--restart <policy>', 'restart policy: no, on-failure[:N], always, unless-stopped (applied by the supervisor, also for a run without -d)')
    .option('--log-opt <opt>', 'json-file log option: max-size=<size>, max-file=<n>', collect)
    .option('--init', 'run a small init (tini/catatonit) as PID 1 that reaps zombies and forwards signals')
    .option('--stop-signal <signal>', 'signal that stops the container (default: the image\'s STOPSIGNAL or SIGTERM)')
    .option('--stop-timeout <seconds>', 'seconds to wait after the stop signal before SIGKILL (default 10)');
}
