// Stage 0: the single-threaded exec boundary. util-linux `unshare` creates the namespaces; a tiny /bin/sh
// step waits on fd 3 until the parent has written the id map, then execs the real program, which therefore
// starts with full capabilities in the new user namespace (STYLE §0.3: caps come from the exec after the map).
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { childProcess } from '../../lazy-builtins.js';
import type { SyncStream } from './fifo-channel.js';
import type { HostSpawner } from './host-spawner.js';
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
  /**
   * With a pid namespace: no shell stays behind. The shell forks PID 1, reports its pid and exits; PID 1 is
   * re-parented to the caller, which must be a child subreaper (prctl(2)) and reaps it through `adopter`.
   */
  adopter?: Adopter;
}

/** Reaps a re-parented PID 1 for spawnStage0 (the supervisor's SIGCHLD handler, daemon/reaper.ts). */
export interface Adopter {
  /** Resolves with the exit of `pid`, a child of this process (already exited ones included). */
  watch(pid: number): Promise<ExitStatus>;
}

export interface Stage0 {
  /** The stage-0 process, or with `adopter` a stand-in for the adopted PID 1 (see StandInChild). */
  child: ChildProcess;
  /** The sync channel: fd 3 of the child, a unix stream socket (or the launcher's FIFO pair, early-stage0.ts). */
  sync: SyncStream;
  /** With `adopter`: PID 1's host pid (the shell that knew it is gone). */
  pid1?: number;
  /** Started by the `myctr` command before the CLI (early-stage0.ts). */
  fromLauncher?: boolean;
  /** Rootless, from the command: its mapper, which can exec a host-side program for us (host-spawner.ts). */
  spawner?: HostSpawner;
}

/**
 * The shell's fds: the sync channel, which is one socket when the CLI spawns stage 0 (fd 3 both ways) and two
 * FIFOs when the `myctr` launcher started it (client/launch/myctr.sh); then also a FIFO that the shell writes
 * the program's exit status to, as the CLI cannot waitpid() a child it did not spawn. `stdin` is a spare fd.
 */
export interface Stage0Fds { in: number; out: number; exit?: number; stdin: number }
export const SOCKET_FDS: Stage0Fds = { in: 3, out: 3, stdin: 5 };
export const LAUNCHER_FDS: Stage0Fds = { in: 3, out: 4, exit: 5, stdin: 6 };

/**
 * The /bin/sh step between unshare and the program. With a user namespace it first asks for the map ("m" on
 * the sync channel; a line for the launcher's mapper) and waits for the parent's newline. With a pid
 * namespace it runs the program as a child (which becomes PID 1) and waits for it instead of exec'ing:
 * util-linux `unshare --fork` turns a SIGKILLed child into exit 1 (it fails to unblock SIGKILL before
 * re-raising), while `wait` gives 128+N. The program's stdin is passed through a spare fd because an
 * asynchronous list's stdin is /dev/null; the shell then closes its own copies of the sync fds and of fd 4 (a
 * terminal socket) so that EOF on them still means "the program exec'd".
 */
export function stage0Script(o: { mapRequest: boolean; pidNamespace: boolean; keepSync: boolean; adopt?: boolean; launcher?: boolean }): string {
  const f = o.launcher ? LAUNCHER_FDS : SOCKET_FDS;
  // The launcher's stage 0 stays in the caller's session (no setsid exec: ~3 ms before the init's Node starts),
  // so its shell ignores the terminal's hangup and job-control stops; the init makes its own session before
  // the exec (finalize.ts), and SIGINT and SIGQUIT are ignored in an asynchronous list already.
  const session = o.launcher ? "trap '' HUP TSTP TTIN TTOU; " : '';
  const syncFds = [...new Set([f.in, f.out])];
  const closeSync = syncFds.map((n) => `${n}>&-`).join(' ');
  // The launcher's mapper is a shell, whose `read` wants a whole line.
  const map = o.mapRequest ? `printf ${o.launcher ? "'m\\n'" : 'm'} >&${f.out} && read -r _ <&${f.in} || exit 125; ` : '';
  // What every variant runs first: the launcher's traps, then the map request.
  const prelude = session + map;
  if (!o.pidNamespace) return prelude + (o.keepSync ? 'exec "$@"' : `exec ${closeSync} && exec "$@"`);
  const syncForChild = o.keepSync ? '' : ` ${closeSync}`;
  const exitForChild = f.exit !== undefined ? ` ${f.exit}>&-` : '';
  // Adopted: PID 1 waits for a newline on fd 3, sent once the shell is gone and PID 1 is the caller's child, so
  // that the parent-death signal the init arms first thing refers to the caller, not to the exiting shell.
  if (o.adopt) return `${prelude}exec ${f.stdin}<&0; { read -r _ <&${f.in} || exit 125; exec "$@" 0<&${f.stdin} ${f.stdin}<&-${syncForChild}; } & printf '%s\\n' "$!" >&${f.out}; exit 0`;
  const closeOwn = [...new Set([...syncFds, 4])].map((n) => `${n}>&-`).join(' ');
  const report = f.exit !== undefined ? `; s=$?; printf '%s\\n' "$s" >&${f.exit}; exit "$s"` : '';
  return `${prelude}exec ${f.stdin}<&0; "$@" 0<&${f.stdin} ${f.stdin}<&-${syncForChild}${exitForChild} & exec 0</dev/null ${closeOwn} ${f.stdin}<&-; wait $!${report}`;
}

/**
 * Spawns `setpriv --pdeathsig KILL unshare <ns…> -- /bin/sh -c <stage0Script> …` and, for a user namespace,
 * writes the id map when the shell asks. Resolves once the program is about to start. The pdeath signal
 * makes the tree die with the parent (a SIGKILLed CLI leaves no container behind); the init re-arms its own.
 */
export async function spawnStage0(opts: Stage0Options): Promise<Stage0> {
  const withUser = opts.namespaces.includes('user');
  if (withUser && !opts.idMap) throw new MyctrError('MYCTR_INTERNAL', 'user namespace without an id map');
  const nsFlags = opts.namespaces.map((n) => UNSHARE_FLAG[n]);
  const pidNamespace = opts.namespaces.includes('pid');
  const adopter = pidNamespace ? opts.adopter : undefined;
  const script = stage0Script({ mapRequest: withUser, pidNamespace, keepSync: opts.keepSync, adopt: adopter !== undefined });
  const tail = withUser || pidNamespace || !opts.keepSync
    ? ['/bin/sh', '-c', script, 'myctr-stage0', ...opts.argv]
    : [...opts.argv];
  const argv = ['--pdeathsig', 'KILL', '--', 'unshare', ...nsFlags, '--', ...tail];
  const stdio = [...opts.stdio] as unknown[];
  stdio[3] = 'pipe';
  const child = childProcess().spawn('setpriv', argv, { stdio: stdio as StdioOptions, env: opts.env ?? process.env, detached: opts.detached ?? false });
  const sync = child.stdio[3] as Socket;
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(spawnError(err)));
  });
  if (withUser) {
    try {
      await answerMapRequest(sync, child.pid!, opts.idMap!);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }
  if (adopter) return adopt(child, sync, adopter);
  return { child, sync };
}

/** The shell reports PID 1's pid and exits; once it is gone (PID 1 is ours now), PID 1 may go on. */
async function adopt(shell: ChildProcess, sync: Socket, adopter: Adopter): Promise<Stage0> {
  let pid1: number | undefined;
  try {
    pid1 = Number(await expectLine(sync, shell));
    if (!Number.isInteger(pid1) || pid1 <= 0) throw new MyctrError('MYCTR_PROTOCOL', 'stage 0 reported no pid');
    const { code, signal } = await waitExit(shell);
    if (code !== 0) throw new MyctrError('MYCTR_INIT_DIED', `stage 0 exited with ${signal ?? code}`);
  } catch (err) {
    shell.kill('SIGKILL');
    // Not adopted yet or not waiting any more: without its newline it exits when fd 3 closes; kill it anyway.
    if (pid1 && pid1 > 0) { try { process.kill(pid1, 'SIGKILL'); } catch { /* gone */ } void adopter.watch(pid1).catch(() => undefined); }
    throw err;
  }
  const child = new StandInChild(pid1, adopter.watch(pid1), shell);
  sync.write('\n');
  return { child: child as unknown as ChildProcess, sync, pid1 };
}

/** How a process ended: its exit code, or the signal that killed it (as ChildProcess's 'exit' event). */
export interface ExitStatus { code: number | null; signal: NodeJS.Signals | null }

/**
 * Stands in for the ChildProcess of a process this one did not spawn through libuv, with the members the
 * start sequence and the supervisor use: pid, stdout/stderr/stdio, exitCode/signalCode, kill() and the 'exit'
 * event, which comes from `exit`. For an adopted PID 1 (the adopter's waitpid; the stdio are the shell's
 * pipes, which PID 1 inherited) and for the stage 0 the `myctr` command started (early-stage0.ts).
 */
export class StandInChild extends EventEmitter {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly stdin: ChildProcess['stdin'];
  readonly stdout: ChildProcess['stdout'];
  readonly stderr: ChildProcess['stderr'];
  readonly stdio: ChildProcess['stdio'];

  constructor(readonly pid: number, exit: Promise<ExitStatus>, stdioOf?: ChildProcess) {
    super();
    this.stdin = stdioOf?.stdin ?? null;
    this.stdout = stdioOf?.stdout ?? null;
    this.stderr = stdioOf?.stderr ?? null;
    this.stdio = stdioOf?.stdio ?? [null, null, null, undefined, undefined];
    void exit.then(({ code, signal }) => {
      this.exitCode = code;
      this.signalCode = signal;
      this.emit('exit', code, signal);
    });
  }

  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    try { process.kill(this.pid, signal); return true; } catch { return false; }
  }
}

function spawnError(err: NodeJS.ErrnoException): MyctrError {
  if (err.code === 'ENOENT') {
    return new MyctrError('MYCTR_MISSING_TOOL', '`setpriv`/`unshare` not found', { hint: 'install util-linux', cause: err });
  }
  return new MyctrError('MYCTR_INTERNAL', `spawn unshare: ${err.message}`, { cause: err });
}

/** Waits for the stage-0 shell's "map me" byte, writes the id map of `pid`, and lets the shell go on. */
async function answerMapRequest(sync: Duplex, pid: number, idMap: IdMapPlan): Promise<void> {
  await expectByte(sync);
  await writeIdMaps(pid, idMap);
  sync.write('\n');
}

/** Waits for the shell's one-byte "map me" request; EOF means unshare failed (its stderr says why). */
function expectByte(sync: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (buf: Buffer) => {
      cleanup();
      if (buf.length > 1) sync.unshift(buf.subarray(1));
      resolve();
    };
    const onEnd = () => { cleanup(); reject(usernsError()); };
    const cleanup = () => { sync.off('data', onData); sync.off('end', onEnd); sync.off('close', onEnd); };
    sync.on('data', onData);
    sync.once('end', onEnd);
    sync.once('close', onEnd);
  });
}

/** Reads one newline-terminated line from the shell (the rest is put back); EOF before it is an error. */
function expectLine(sync: Socket, child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (b: Buffer) => {
      buf += b.toString('latin1');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      cleanup();
      if (nl + 1 < buf.length) sync.unshift(Buffer.from(buf.slice(nl + 1), 'latin1'));
      resolve(buf.slice(0, nl));
    };
    const onEnd = () => { cleanup(); reject(new MyctrError('MYCTR_INIT_DIED', `stage 0 (pid ${child.pid}) exited before it started the container init`)); };
    const cleanup = () => { sync.off('data', onData); sync.off('end', onEnd); sync.off('close', onEnd); };
    sync.on('data', onData);
    sync.once('end', onEnd);
    sync.once('close', onEnd);
  });
}

function usernsError(): MyctrError {
  return new MyctrError('MYCTR_USERNS_UNAVAILABLE', 'unshare: could not create the namespaces', {
    hint: 'check `unshare --user --map-root-user true`; on Ubuntu ≥ 23.10 unprivileged user namespaces may be restricted by AppArmor (kernel.apparmor_restrict_unprivileged_userns)',
  });
}

/** Awaits the child's exit: its exit code, or the signal that killed it. */
export function waitExit(child: ChildProcess): Promise<ExitStatus> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
