// `myctr exec`: run a process in a running container. util-linux `nsenter` is the exec boundary (Node cannot
// setns into a user namespace, STYLE §0.1); inside, exec-entry.ts joins the mount namespace and applies the
// container's own capabilities and security options — never more — before exec. -t uses the container's
// devpts; the pty master comes back over a socketpair (SCM_RIGHTS), as for `run -t`.
import { spawn, type StdioOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { close } from '../../../sys/fd.js';
import { recvFds, socketpair } from '../../../sys/socket.js';
import type { ProcessSpec } from '../../../protocol/init-sync.js';
import { attachTerminal, forwardSignals } from '../attach.js';
import { MyctrError, UsageError } from '../errors.js';
import { nodeEntryArgv } from '../node-entry.js';
import { mergeEnv } from '../spec.js';
import { exitCodeOf } from '../run-container.js';
import { waitExit } from '../start/stage0.js';
import type { Ctx } from './operations.js';
import { currentState } from './state.js';

export interface ExecOptions { env: string[]; workdir?: string; user?: string; interactive: boolean; tty: boolean; detach: boolean }

export async function execInContainer(ctx: Ctx, ref: string, args: string[], o: ExecOptions): Promise<number> {
  if (args.length === 0) throw new UsageError('no command given to exec', 'myctr exec CONTAINER COMMAND [ARG...]');
  const id = ctx.store.resolve(ref);
  const st = currentState(ctx.store, id);
  if (st.status !== 'running' || st.pid === undefined) {
    throw new MyctrError('MYCTR_INVALID_STATE', `container ${id.slice(0, 12)} is not running`, { hint: 'start it first: `myctr start ' + ref + '`' });
  }
  const spec = ctx.store.loadConfig(id);
  if (o.workdir !== undefined && !o.workdir.startsWith('/')) throw new UsageError(`the working directory \`${o.workdir}\` is invalid`, 'it needs to be an absolute path');
  const proc: ProcessSpec = {
    ...spec.process,
    args,
    env: mergeEnv(spec.process.env, o.env, { hostname: spec.hostname, tty: o.tty }),
    cwd: o.workdir ?? spec.process.cwd,
    user: o.user ?? spec.process.user,
    hostname: spec.hostname,
    terminal: o.tty,
  };
  if (o.detach && (o.tty || o.interactive)) throw new UsageError('exec -d cannot be combined with -i or -t', 'a detached process has no terminal or stdin; use `myctr exec -it` to interact');
  const rootless = process.geteuid?.() !== 0;
  const ns = [...(rootless ? ['--user'] : []), '--pid', '--uts', '--ipc', '--net', '--cgroup'];
  const nsenter = ['nsenter', '--target', String(st.pid), ...ns, '--preserve-credentials', '--', ...nodeEntryArgv(import.meta.url, './exec-entry.js')];
  const config = { pid: st.pid, process: proc, ...(o.detach ? { detach: true } : {}) };
  if (o.detach) return execDetached(nsenter, config);
  let pair: [number, number] | undefined;
  const stdio: unknown[] = o.tty ? ['ignore', 'ignore', 'ignore'] : [o.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'];
  if (o.tty) { pair = socketpair(); stdio[3] = 'ignore'; stdio[4] = pair[1]; }
  // setpriv --pdeathsig: the exec'd process dies with this CLI (the entry re-arms it after the uid switch).
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...nsenter], {
    stdio: stdio as StdioOptions,
    env: execEnv(config),
    detached: o.tty,
  });
  await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  let terminal;
  if (pair) {
    close(pair[1]);
    const sock = pair[0];
    // Blocks until the entry sent the master, or EOF when it failed first (every holder of the other end exited).
    let master: number | undefined;
    try { master = recvFds(sock, 1).fds[0]; } catch { master = undefined; }
    close(sock);
    if (master !== undefined) terminal = await attachTerminal(master, o.interactive);
  }
  const stopForwarding = forwardSignals(child.pid!);
  const { code, signal } = await waitExit(child);
  stopForwarding();
  if (terminal) {
    await Promise.race([terminal.drained, new Promise((r) => setTimeout(r, 500))]);
    terminal.restore();
  }
  return exitCodeOf(code, signal);
}

function execEnv(config: object): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', MYCTR_EXEC_CONFIG: JSON.stringify(config) };
}

/**
 * exec -d: the process outlives this CLI (no parent-death signal on nsenter, its own session, stdio /dev/null)
 * and dies with the container's pid namespace. Returns once the entry reported that the lookup passed; a
 * missing or non-executable command is reported as without -d (127/126).
 */
async function execDetached(nsenter: string[], config: object): Promise<number> {
  const child = spawn(nsenter[0]!, nsenter.slice(1), { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: execEnv(config), detached: true });
  const status = child.stdio[3] as Readable;
  let text = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    status.setEncoding('utf8');
    status.on('data', (d: string) => { text += d; if (text.startsWith('ok\n')) resolve(); });
    status.once('close', () => resolve());
  });
  if (text.startsWith('ok\n')) {
    status.destroy();
    child.unref();
    return 0;
  }
  const { code, signal } = await waitExit(child);
  process.stderr.write(text || `myctr: exec failed before it started (${signal ?? `exit ${code}`})\n`);
  return exitCodeOf(code, signal) || 125;
}
