// Adopting the stage 0 that the `myctr` command (client/launch/myctr.sh) started before this Node process
// booted, so that the container init's Node start-up ran beside the CLI's instead of after it. The command
// left this process three FIFOs as fds 3-5, opened read-write, whose names are already unlinked: the sync
// channel's two directions and the exit status that stage 0's shell writes (a Node process cannot waitpid()
// a child that libuv did not spawn). They are reopened here one way each and the originals closed, so that
// this process is the channel's only lasting end on its side: stage 0 and the init read EOF once it is gone.
// Their names are unlinked here too, once stage 0 holds its ends (the command's background shell did that
// before, with one more fork and exec on the init's path).
// Rootless, the command's mapper stays to exec the run's network tool for this process (host-spawner.ts): two
// more FIFOs, fds 8 and 9, taken here the same way.
import { closeSync, constants, openSync, readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { MyctrError } from '../errors.js';
import type { IdMapPlan } from '../idmap.js';
import { childrenOf, isExited, procStat } from '../proc.js';
import { LAUNCHER_FDS, StandInChild, type ExitStatus, type Stage0 } from './stage0.js';
import { FifoChannel, FifoReader } from './fifo-channel.js';
import { HostSpawner, SPAWNER_FDS } from './host-spawner.js';

/** How long stage 0 may take to open its FIFOs and the mapper to write the id map (~60 ms of head start). */
const WAIT_MS = 2000;

/** What the command started for this process: stage 0 (our child) and, rootless, the mapper. */
export interface LauncherStage0 {
  pid: number;
  mapper?: number;
  /** Our ends, reopened one way each: the sync channel's (in: we write; out: we read) and the exit FIFO's. */
  inFd: number;
  outFd: number;
  exitFd: number;
  /** With the mapper: our ends of its command FIFO (we write) and event FIFO (we read). */
  spawner?: { cmdFd: number; evtFd: number };
  /** Our read-write copies of the FIFOs, closed once stage 0 holds its ends (takeLauncherStage0). */
  keepers: number[];
  /** The FIFOs' names, unlinked once stage 0 holds its ends, or when stage 0 is killed, or at exit. */
  names: string[];
}

/** The path of fd `fd` of process `pid`, if it is the command's FIFO `which` for this process (myctr-early.<our pid>.<which>). */
type FifoName = 'in' | 'out' | 'exit' | 'ncmd' | 'nevt';

function launcherFifo(pid: number | 'self', fd: number, which: FifoName): string | undefined {
  try {
    const path = readlinkSync(`/proc/${pid}/fd/${fd}`).replace(/ \(deleted\)$/, '');
    return path.endsWith(`/myctr-early.${process.pid}.${which}`) ? path : undefined;
  } catch {
    return undefined;
  }
}

function isLauncherFifo(pid: number, fd: number, which: FifoName): boolean {
  return launcherFifo(pid, fd, which) !== undefined;
}

/** Opens FIFO fd `fd` of this process anew: blocking (fifo-channel.ts reads and writes it so), close-on-exec. */
function reopen(fd: number, mode: 'r' | 'w' | 'rw'): number {
  const how = mode === 'r' ? constants.O_RDONLY : mode === 'w' ? constants.O_WRONLY : constants.O_RDWR;
  return openSync(`/proc/self/fd/${fd}`, how);
}

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/**
 * Takes what the command started for this process (MYCTR_EARLY_STAGE0 and fds 3-5) out of the environment
 * and the fd table, at once: they are not close-on-exec and would leak into every child. Our read-write
 * copies stay open (close-on-exec now) until stage 0 surely holds its own ends: without them, a FIFO whose
 * other end is not open yet would read as EOF. Undefined when there is nothing, or not what the command
 * makes (then whatever was named is killed).
 */
export function takeLauncherStage0(): LauncherStage0 | undefined {
  const named = process.env.MYCTR_EARLY_STAGE0;
  if (named === undefined) return undefined;
  delete process.env.MYCTR_EARLY_STAGE0;
  const [pid, mapper] = named.split(' ').map(Number);
  const fds = LAUNCHER_FDS;
  const fifos: number[] = [fds.in, fds.out, fds.exit!];
  const found = [launcherFifo('self', fds.in, 'in'), launcherFifo('self', fds.out, 'out'), launcherFifo('self', fds.exit!, 'exit')];
  // The spawner's FIFOs come with the mapper (rootless, a run with a network tool) and are taken only whole.
  const spawnerNames = mapper === undefined ? [] : [launcherFifo('self', SPAWNER_FDS.cmd, 'ncmd'), launcherFifo('self', SPAWNER_FDS.evt, 'nevt')];
  if (spawnerNames.length && spawnerNames.every((n) => n !== undefined)) {
    fifos.push(SPAWNER_FDS.cmd, SPAWNER_FDS.evt);
    found.push(...spawnerNames);
  }
  const names = found.every((n) => n !== undefined) ? found as string[] : undefined;
  const valid = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n > 0);
  if (!names || pid === undefined || !valid(pid) || !valid(mapper)) {
    kill(valid(pid) ? pid : undefined);
    kill(valid(mapper) ? mapper : undefined);
    if (names) {
      for (const fd of fifos) closeSync(fd);
      unlinkNames(names);
    }
    return undefined;
  }
  const l: LauncherStage0 = {
    pid,
    ...(mapper !== undefined ? { mapper } : {}),
    // Opening a FIFO's one end blocks until the other is open: our read-write copies are.
    inFd: reopen(fds.in, 'w'),
    outFd: reopen(fds.out, 'r'),
    exitFd: reopen(fds.exit!, 'r'),
    ...(fifos.length > 3 ? { spawner: { cmdFd: reopen(SPAWNER_FDS.cmd, 'w'), evtFd: reopen(SPAWNER_FDS.evt, 'r') } } : {}),
    keepers: fifos.map((fd) => reopen(fd, 'rw')),
    names,
  };
  for (const fd of fifos) closeSync(fd);
  // At exit, whatever happened: stage 0 goes (a no-op for the zombie it is after a run), so that our reads
  // still pending on the thread pool see EOF (fifo-channel.ts); the names go, if still there.
  process.once('exit', () => {
    kill(l.pid);
    unlinkNames(l.names);
  });
  return l;
}

/** Unlinks the FIFOs' names (once: the list is emptied). Stage 0 holds its ends, or is killed, by then. */
function unlinkNames(names: string[]): void {
  for (const name of names.splice(0)) {
    try { unlinkSync(name); } catch { /* gone already */ }
  }
}

/** Ends what the command started: stage 0 and the mapper are killed, our FIFO ends closed. */
export function discardLauncherStage0(l: LauncherStage0): void {
  kill(l.pid);
  kill(l.mapper);
  unlinkNames(l.names);
  for (const fd of [l.inFd, l.outFd, l.exitFd, ...(l.spawner ? [l.spawner.cmdFd, l.spawner.evtFd] : [])]) closeSync(fd);
  closeKeepers(l);
}

function closeKeepers(l: LauncherStage0): void {
  for (const fd of l.keepers.splice(0)) closeSync(fd);
}

/**
 * Stage 0 as spawnStage0 gives it: its sync channel and its exit. With `idMap` (rootless) the command's mapper
 * wrote the id map, which must be this plan's. Rejects (and discards it) when anything is not as the command
 * promised; the caller then spawns its own.
 */
export async function adoptEarlyStage0(l: LauncherStage0, idMap: IdMapPlan | undefined): Promise<Stage0> {
  try {
    const st = procStat(l.pid);
    if (!st || st.ppid !== process.pid || isExited(st)) {
      throw new MyctrError('MYCTR_INIT_DIED', `the command's stage 0 (pid ${l.pid}) is not running`);
    }
    await endsHeld(l.pid);
    unlinkNames(l.names);
    closeKeepers(l);
    // Only once the map is written has the mapper read stage 0's request: until then the sync FIFO is its.
    if (idMap) await mapWritten(l.pid, idMap);
  } catch (err) {
    discardLauncherStage0(l);
    throw err;
  }
  const exit = launcherExit(l.exitFd);
  return {
    child: new LauncherChild(l.pid, exit.status, exit.read) as unknown as ChildProcess,
    sync: new FifoChannel(l.outFd, l.inFd, exit.read),
    fromLauncher: true,
    ...(l.spawner && l.mapper !== undefined ? { spawner: new HostSpawner(l.mapper, l.spawner.cmdFd, l.spawner.evtFd) } : {}),
  };
}

/** Stage 0's stand-in; its exit is read from the FIFO from the first kill or the first message sent on. */
class LauncherChild extends StandInChild {
  constructor(pid: number, exit: Promise<ExitStatus>, private readonly readExit: () => void) {
    super(pid, exit);
  }

  override kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    this.readExit();
    return super.kill(signal);
  }
}

/**
 * Resolves once stage 0 holds its FIFO ends: the exit FIFO in the shell `pid`, the sync FIFOs in the shell or,
 * once it has forked the init (at once without a user namespace), in the init, its only child.
 */
function endsHeld(pid: number): Promise<void> {
  const fds = LAUNCHER_FDS;
  const sync = (p: number) => isLauncherFifo(p, fds.in, 'in') && isLauncherFifo(p, fds.out, 'out');
  return whileStage0Lives(pid, new MyctrError('MYCTR_INIT_DIED', `the command's stage 0 (pid ${pid}) did not open its FIFOs`), () => {
    if (!isLauncherFifo(pid, fds.exit!, 'exit')) return false;
    if (sync(pid)) return true;
    const kids = childrenOf(pid);
    return kids.length === 1 && sync(kids[0]!);
  });
}

/** Polls `done` every ms until it holds; rejects with `failure` when stage 0 `pid` is gone or after WAIT_MS. */
async function whileStage0Lives(pid: number, failure: MyctrError, done: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const st = procStat(pid);
    if (!st || isExited(st) || Date.now() > deadline) throw failure;
    if (done()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

function readMap(pid: number, which: 'uid_map' | 'gid_map'): string {
  try { return readFileSync(`/proc/${pid}/${which}`, 'latin1'); } catch { return ''; }
}

const mapText = (lines: IdMapPlan['uidMap']) => lines.map((l) => `${l.inner} ${l.outer} ${l.count}`).join('\n');
const normalize = (text: string) => text.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')).join('\n');

async function mapWritten(pid: number, plan: IdMapPlan): Promise<void> {
  let uid = '';
  let gid = '';
  await whileStage0Lives(pid, new MyctrError('MYCTR_IDMAP', `the command wrote no id map for stage 0 (pid ${pid})`),
    () => (uid = readMap(pid, 'uid_map')) !== '' && (gid = readMap(pid, 'gid_map')) !== '');
  if (normalize(uid) !== mapText(plan.uidMap) || normalize(gid) !== mapText(plan.gidMap)) {
    throw new MyctrError('MYCTR_IDMAP', `the command's id map for stage 0 (pid ${pid}) is not the plan`);
  }
}

/**
 * The exit of the command's stage 0: the status line its shell writes on the exit FIFO, or EOF alone when the
 * shell was killed (by us: SIGKILL). The shell stays a zombie until this process exits; then PID 1 or the
 * nearest subreaper reaps it. `read` starts reading, with the channel's first message or a kill; a read
 * pending at exit returns once the shell is gone, which takeLauncherStage0's exit handler sees to.
 */
function launcherExit(fd: number): { status: Promise<ExitStatus>; read: () => void } {
  const exit = new FifoReader(fd);
  const status = new Promise<ExitStatus>((resolve) => {
    const chunks: Buffer[] = [];
    exit.on('data', (chunk: Buffer) => { chunks.push(chunk); });
    exit.on('error', () => undefined); // EOF or an error alike: the shell is gone
    exit.once('close', () => {
      const line = /^(\d+)\n/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(line ? { code: Number(line[1]), signal: null } : { code: null, signal: 'SIGKILL' });
    });
  });
  return { status, read: () => exit.start() };
}
