// The container init (stage 2): the only Node start inside the container path. Reads its config on fd 3,
// applies the setup ops, pivots, reports ready, waits for start, then becomes the workload with execve.
// Every import is static and happens before pivot_root (STYLE §0.9): no dynamic import, no pino.
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { LineDecoder, encodeLine, type InitConfig, type InitToParent, type ParentToInit } from '../../../protocol/init-sync.js';
import { linuxSys } from '../../../sys/sys.js';
import { setParentDeathSignal } from '../../../sys/process.js';
import { MyctrError } from '../errors.js';
import { applySetupOps } from '../setup/apply.js';
import type { SetupOp } from '../setup/ops.js';
import { execWorkload, prepareExec } from './finalize.js';
import { ExecLookupError } from './lookup.js';
import { openContainerTerminal } from './terminal.js';

const SYNC_FD = 3;
const TTY_FD = 4;

process.title = 'myctr:[init]';
// Die with the stage-0 shell (and so with the CLI) while setting up; finalize re-arms it after the uid switch.
setParentDeathSignal(9);

function send(msg: InitToParent): void {
  // Synchronous, so that a message is on the wire before an exit or execve.
  writeSync(SYNC_FD, encodeLine(msg));
}

function fail(err: unknown): never {
  if (err instanceof ExecLookupError) {
    send({ type: 'exec-failed', exitCode: err.exitCode, error: { code: err.code, message: err.message, hint: err.hint } });
    process.exit(err.exitCode);
  }
  const e = err instanceof MyctrError ? err : undefined;
  send({ type: 'error', error: { code: e?.code ?? 'MYCTR_INTERNAL', message: err instanceof Error ? err.message : String(err), hint: e?.hint } });
  process.exit(125);
}

function nextMessages(sock: Socket): () => Promise<ParentToInit> {
  const decoder = new LineDecoder();
  const queue: ParentToInit[] = [];
  let waiter: ((m: ParentToInit) => void) | undefined;
  sock.on('data', (buf: Buffer) => {
    for (const m of decoder.push(buf.toString('utf8'))) {
      if (waiter) { const w = waiter; waiter = undefined; w(m as ParentToInit); } else queue.push(m as ParentToInit);
    }
  });
  // The parent went away: nothing to set up for anymore.
  sock.on('end', () => process.exit(125));
  sock.on('error', () => process.exit(125));
  return () => queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => { waiter = r; });
}

async function main(): Promise<void> {
  const sock = new Socket({ fd: SYNC_FD, readable: true, writable: false });
  const next = nextMessages(sock);
  const first = await next();
  if (first.type !== 'config') fail(new MyctrError('MYCTR_PROTOCOL', `expected config, got ${first.type}`));
  const config: InitConfig = first.config;
  let terminal: number | undefined;
  try {
    const inUserns = (process.env.MYCTR_INIT_USERNS ?? '') === '1';
    applySetupOps(config.ops as SetupOp[], {
      sys: linuxSys,
      inUserns,
      failOp: config.failOp,
      log: (level, msg) => { if (level === 'warn' || config.debug) send({ type: 'log', level, msg }); },
    });
    if (config.process.terminal) terminal = openContainerTerminal(TTY_FD);
  } catch (err) {
    fail(err);
  }
  send({ type: 'ready' });
  const second = await next();
  if (second.type !== 'start') fail(new MyctrError('MYCTR_PROTOCOL', `expected start, got ${second.type}`));
  sock.removeAllListeners();
  let target: { path: string; env: string[] };
  try {
    target = prepareExec(config.process, terminal);
    execWorkload(target.path, config.process.args, target.env);
  } catch (err) {
    fail(err);
  }
}

main().catch(fail);
