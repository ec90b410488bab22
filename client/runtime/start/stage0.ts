// Stage 0: the single-threaded exec boundary. util-linux `unshare` creates the namespaces; a tiny /bin/sh
// step waits on fd 3 until the parent has written the id map, then execs the real program, which therefore
// starts with full capabilities in the new user namespace (STYLE §0.3: caps come from the exec after the map).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import { MyctrError } from '../errors.js';
import { writeIdMaps, type IdMapPlan } from '../idmap.js';

export type Namespace = 'user' | 'mount' | 'pid' | 'uts' | 'ipc' | 'net' | 'cgroup';

const UNSHARE_FLAG: Record<Namespace, string> = {
  user: '--user', mount: '--mount', pid: '--pid', uts: '--uts', ipc: '--ipc', net: '--net', cgroup: '--cgroup',
};

export interface Stage0Options {
  namespaces: readonly Namespace[];
  /** The program that runs inside, with capabilities (argv[0] is a path). */
  argv: readonly string[];
  /** Mapping for the user namespace; required when namespaces include 'user'. */
  idMap?: IdMapPlan;
  /** fds 0-2 for the program; fd 3 is always the sync socket. Extra fds may follow. */
  stdio: readonly unknown[];
  env?: NodeJS.ProcessEnv;
  /** Keep fd 3 open across the program's exec (the container init talks on it); closed otherwise. */
  keepSync: boolean;
  /** New session and process group: terminal signals (^C) reach only the parent, which forwards them. */
  detached?: boolean;
}

export interface Stage0 {
  child: ChildProcess;
  /** fd 3 of the child, a unix stream socket. */
  sync: Socket;
}

// $0 is a label for ps; "$@" is the program. `read` blocks until the parent wrote the map and a newline.
const HANDSHAKE = 'printf m >&3 && read -r _ <&3 && exec "$@"';
const HANDSHAKE_CLOSE = 'printf m >&3 && read -r _ <&3 && exec 3>&- && exec "$@"';

/**
 * Spawns `setpriv --pdeathsig KILL unshare <ns…> --fork --kill-child -- …` and, for a user namespace, writes
 * the id map when the shell asks. Resolves once the program is about to be exec'd. The pdeath signal makes
 * the whole tree die with the parent (a SIGKILLed CLI leaves no container behind).
 */
export async function spawnStage0(opts: Stage0Options): Promise<Stage0> {
  const withUser = opts.namespaces.includes('user');
  if (withUser && !opts.idMap) throw new MyctrError('MYCTR_INTERNAL', 'user namespace without an id map');
  const nsFlags = opts.namespaces.map((n) => UNSHARE_FLAG[n]);
  const fork = opts.namespaces.includes('pid') ? ['--fork', '--kill-child'] : [];
  const tail = withUser
    ? ['/bin/sh', '-c', opts.keepSync ? HANDSHAKE : HANDSHAKE_CLOSE, 'myctr-stage0', ...opts.argv]
    : [...opts.argv];
  const argv = ['--pdeathsig', 'KILL', '--', 'unshare', ...nsFlags, ...fork, '--', ...tail];
  const stdio = [...opts.stdio] as unknown[];
  stdio[3] = 'pipe';
  const child = spawn('setpriv', argv, { stdio: stdio as StdioOptions, env: opts.env ?? process.env, detached: opts.detached ?? false });
  const sync = child.stdio[3] as Socket;
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(spawnError(err)));
  });
  if (withUser) {
    try {
      await expectByte(sync, child);
      await writeIdMaps(child.pid!, opts.idMap!);
      sync.write('\n');
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }
  return { child, sync };
}

function spawnError(err: NodeJS.ErrnoException): MyctrError {
  if (err.code === 'ENOENT') {
    return new MyctrError('MYCTR_MISSING_TOOL', '`setpriv`/`unshare` not found', { hint: 'install util-linux', cause: err });
  }
  return new MyctrError('MYCTR_INTERNAL', `spawn unshare: ${err.message}`, { cause: err });
}

/** Waits for the shell's one-byte "map me" request; EOF means unshare failed (its stderr says why). */
function expectByte(sync: Socket, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (buf: Buffer) => {
      cleanup();
      if (buf.length > 1) sync.unshift(buf.subarray(1));
      resolve();
    };
    const onEnd = () => { cleanup(); reject(usernsError(child)); };
    const cleanup = () => { sync.off('data', onData); sync.off('end', onEnd); sync.off('close', onEnd); };
    sync.on('data', onData);
    sync.once('end', onEnd);
    sync.once('close', onEnd);
  });
}

function usernsError(child: ChildProcess): MyctrError {
  void child;
  return new MyctrError('MYCTR_USERNS_UNAVAILABLE', 'unshare: could not create the namespaces', {
    hint: 'check `unshare --user --map-root-user true`; on Ubuntu ≥ 23.10 unprivileged user namespaces may be restricted by AppArmor (kernel.apparmor_restrict_unprivileged_userns)',
  });
}

/** Awaits the child's exit: its exit code, or the signal that killed it. */
export function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
