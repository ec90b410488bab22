// The container init (stage 2): the only Node start inside the container path. Reads its config on fd 3,
// applies the setup ops, pivots, reports ready, waits for start, then becomes the workload with execve.
// Every import is static and happens before pivot_root (STYLE §0.9): no dynamic import, no pino.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { LineDecoder, encodeLine, type InitConfig, type InitToParent, type ParentToInit } from '../../../protocol/init-sync.js';
import { linuxSys } from '../../../sys/sys.js';
import { dup2, setNonBlocking } from '../../../sys/fd.js';
import { setParentDeathSignal } from '../../../sys/process.js';
import { holdCodeCache, saveCodeCache } from '../../launch/code-cache.js';
import { MyctrError } from '../errors.js';
import { applySetupOps } from '../setup/apply.js';
import type { SetupOp } from '../setup/ops.js';
import { execWorkload, prepareExec } from './finalize.js';
import { ExecLookupError } from './lookup.js';
import { openContainerTerminal } from './terminal.js';

const SYNC_FD = 3;
const TTY_FD = 4;
// Where the init writes: fd 3 too (a socket), except in a stage 0 the `myctr` launcher started, which gives
// the init a FIFO for each direction (client/runtime/start/early-stage0.ts).
const SYNC_OUT_FD = Number(process.env.MYCTR_INIT_SYNC_OUT ?? SYNC_FD);

process.title = 'myctr:[init]';
// Die with the stage-0 shell (and so with the CLI) while setting up; finalize re-arms it after the uid switch.
setParentDeathSignal(9);

function send(msg: InitToParent): void {
  // Synchronous, so that a message is on the wire before an exit or execve.
  writeSync(SYNC_OUT_FD, encodeLine(msg));
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

/**
 * The parent's messages on fd 3, read blocking: the init has nothing else to do while it waits, and this
 * spares it loading node:net and the stream machinery (~5 ms of every start). EOF: the parent went away,
 * so there is nothing to set up for anymore.
 */
function messageReader(fd: number): () => ParentToInit {
  setNonBlocking(fd, false);
  const lines = new LineDecoder();
  const buf = Buffer.allocUnsafe(64 * 1024);
  const queue: ParentToInit[] = [];
  return () => {
    while (queue.length === 0) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EINTR') continue;
        process.exit(125);
      }
      if (n === 0) process.exit(125);
      queue.push(...lines.push(buf.subarray(0, n)) as ParentToInit[]);
    }
    return queue.shift()!;
  };
}

/** `-u` as the config has it ('' is the image's default, root): does the workload keep uid 0? */
function runsAsRoot(user: string): boolean {
  return /^(|0|root)(:.*)?$/.test(user);
}

/** A run without -i reads /dev/null, as Docker's; opened now, while the host's /dev is in view. */
function nullStdin(): void {
  const fd = openSync('/dev/null', 'r');
  if (fd !== 0) { dup2(fd, 0); closeSync(fd); }
}

function main(): void {
  const next = messageReader(SYNC_FD);
  const first = next();
  if (first.type !== 'config') fail(new MyctrError('MYCTR_PROTOCOL', `expected config, got ${first.type}`));
  const config: InitConfig = first.config;
  if (config.nullStdin) nullStdin();
  let terminal: number | undefined;
  try {
    const inUserns = (process.env.MYCTR_INIT_USERNS ?? '') === '1';
    applySetupOps(config.ops as SetupOp[], {
      sys: linuxSys,
      inUserns,
      failOp: config.failOp,
      debug: config.debug,
      log: (level, msg) => { if (level === 'warn' || config.debug) send({ type: 'log', level, msg }); },
      // The code cache (written once) should hold the functions of the set-up and of the exec too, compiled
      // lazily otherwise; after pivot_root the host's file system is out of view, so its directory is held
      // open and the cache written just before the execve. A container user other than root could not
      // write there then: for one, it is written now (docs/ARCHITECTURE.md, "Start-up cost").
      beforePivot: runsAsRoot(config.process.user) ? holdCodeCache : saveCodeCache,
    });
    if (config.process.terminal) terminal = openContainerTerminal(TTY_FD);
  } catch (err) {
    fail(err);
  }
  // The process's own set-up (session, user, capabilities, the executable's lookup) is done before `ready`, so
  // that only the execve is left once `start` comes: the parent records the container as running meanwhile.
  // Its failure is still reported after `start`, as an exec failure (126/127) or an error, as before.
  let target: { path: string; env: string[] } | undefined;
  let notExecutable: unknown;
  try {
    target = prepareExec(config.process, terminal);
  } catch (err) {
    notExecutable = err;
  }
  send({ type: 'ready' });
  const second = next();
  if (second.type !== 'start') fail(new MyctrError('MYCTR_PROTOCOL', `expected start, got ${second.type}`));
  if (!target) fail(notExecutable);
  try {
    execWorkload(target.path, config.process.args, target.env, saveCodeCache);
  } catch (err) {
    fail(err);
  }
}

try {
  main();
} catch (err) {
  fail(err);
}
