// The `myctr` command's mapper (client/launch/myctr.sh), kept after it wrote a rootless run's id map: it execs
// one host-side program for this process, so that the run's network tool (slirp4netns) starts without a fork
// of this Node process. That fork, with the import of node:child_process before it, blocked the CLI for
// ~20-35 ms on the way to the workload's start (a fork copies the page tables of the CLI's ~50 MB here).
//
// The mapper waits on the command FIFO for one line: a file for the program's stderr, then its argv, split at
// spaces by the mapper's shell (with globbing off). So only words without white space or shell quoting
// trouble are sent; for anything else exec() says no, and the caller spawns the program itself. The program
// gets the command FIFO's read end as fd 3, which reads EOF once this process closed its end or died (an
// exit fd: slirp4netns --exit-fd=3), and the event FIFO's write end as fd 4 (--ready-fd=4) and again as fd 5,
// which it just holds: slirp4netns closes its ready fd once it wrote there. This process reads the event
// FIFO: its first bytes are the program's ready signal, its EOF the program's exit. Closing the command FIFO
// unused (release()) ends the mapper.
import { closeSync, writeSync } from 'node:fs';
import { FifoReader } from './fifo-channel.js';

/** The launcher's fds for the two FIFOs (beside LAUNCHER_FDS in stage0.ts): the command's and the events'. */
export const SPAWNER_FDS = { cmd: 8, evt: 9 } as const;

/** A word the mapper's shell passes on as it is: no white space, quotes, expansions or redirections. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export interface HostProgram {
  /** Its host pid (the mapper's: it exec'd), a child of this process that libuv never reaps. */
  readonly pid: number;
  /** Resolves at its first bytes on fd 4; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves once it exited (EOF on the event FIFO: nothing else holds its write end). */
  readonly exited: Promise<void>;
  /** Closes its fd 3's other end (its exit signal) and resolves once it exited, SIGKILLed after `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

export class HostSpawner {
  private cmdFd: number | undefined;
  private evtFd: number | undefined;
  private execed = false;

  /** `pid`: the mapper. `cmdFd`, `evtFd`: our ends of the FIFOs (write, read), which this object owns. */
  constructor(readonly pid: number, cmdFd: number, evtFd: number) {
    this.cmdFd = cmdFd;
    this.evtFd = evtFd;
  }

  /** Whether exec() ran (the mapper is then the program). */
  get used(): boolean {
    return this.execed;
  }

  /** Whether exec() would take this argv and stderr file (only plain words: see the top). */
  static accepts(argv: readonly string[], stderrFile: string): boolean {
    return argv.length > 0 && argv[0]!.startsWith('/') && [stderrFile, ...argv].every((w) => PLAIN_WORD.test(w));
  }

  /**
   * Has the mapper exec `argv` (argv[0] an absolute path), its stdout to /dev/null and its stderr to
   * `stderrFile`. Undefined, with nothing done, when used already or the words are not plain.
   */
  exec(argv: readonly string[], stderrFile: string): HostProgram | undefined {
    if (this.cmdFd === undefined || this.evtFd === undefined || !HostSpawner.accepts(argv, stderrFile)) return undefined;
    const cmdFd = this.cmdFd;
    const events = new FifoReader(this.evtFd);
    this.evtFd = undefined;
    this.execed = true;
    let exit: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => { exit = resolve; });
    const ready = new Promise<void>((resolve, reject) => {
      events.once('data', () => resolve());
      events.once('close', () => {
        reject(new Error('exited before it was ready'));
        exit();
      });
    });
    ready.catch(() => undefined); // the caller's to handle; stop() needs no handler of it
    events.on('error', () => undefined); // an error reading is an end too ('close' follows)
    const pid = this.pid;
    const killHard = () => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } };
    // At exit, whatever happened: the program goes, so that our read pending on the thread pool sees EOF.
    const onExit = () => { this.closeCmd(); killHard(); };
    process.once('exit', onExit);
    void exited.then(() => process.off('exit', onExit));
    try {
      writeSync(cmdFd, `${stderrFile} ${argv.join(' ')}\n`);
    } catch {
      // EPIPE: the mapper is gone. The event FIFO reads EOF then: `ready` rejects.
    }
    events.start();
    return {
      pid,
      ready,
      exited,
      stop: (graceMs) => {
        this.closeCmd();
        const timer = setTimeout(killHard, graceMs);
        return exited.then(() => clearTimeout(timer));
      },
    };
  }

  /** Ends the mapper unused (EOF on its command FIFO); a no-op once exec() ran. */
  release(): void {
    if (this.evtFd === undefined) return;
    closeSync(this.evtFd);
    this.evtFd = undefined;
    this.closeCmd();
  }

  private closeCmd(): void {
    if (this.cmdFd === undefined) return;
    closeSync(this.cmdFd);
    this.cmdFd = undefined;
  }
}
