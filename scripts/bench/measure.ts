// Running one benchmark command: a timed run (wall clock from spawn() to exit, nothing else running in
// the bench process), and a memory run (the same command under a subreaper, with /proc sampled every few
// ms). Timed and memory runs are separate so that sampling /proc never slows down a timed run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TreeTracker, byComm, type ProcStat } from './proc-tree.js';
import type { MemoryResult } from './section.js';

export interface BenchCommand {
  readonly argv: readonly string[];
  /** Merged over the bench's own environment. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface RunOutcome {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The first few KiB of stderr, for the failure message. */
  readonly stderr: string;
}

/**
 * Variables removed from the environment of measured commands: Node start-up options that a shell user
 * would not have and that change what is measured (NODE_EXTRA_CA_CERTS makes every Node process read and
 * parse a CA bundle at start-up, ~150 ms each on the reference machine), and the npm_* noise of `npm run`.
 */
export function isScrubbedEnv(name: string): boolean {
  return name === 'NODE_OPTIONS' || name === 'NODE_EXTRA_CA_CERTS' || name.startsWith('npm_');
}

/** The bench's environment without the scrubbed variables, with `extra` merged over it. */
export function commandEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!isScrubbedEnv(k)) env[k] = v;
  return { ...env, ...extra };
}

const STDERR_KEEP = 4096;
/** Process groups of the measured commands still running (each run has its own session). */
const running = new Set<number>();

/** SIGKILLs every measured command still running, with everything it started (on Ctrl-C). */
export function killRunning(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
export const RUN_TIMEOUT_MS = 120_000;

/**
 * The line of `stderr` that says what went wrong (what a row's "failed: …" shows): the first error-looking
 * line (`myctr: …`, `Error: …`, `TypeError …`), else the last line; Node's `Node.js v20…` footer is skipped.
 */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v\d/.test(l));
  return lines.find((l) => /^(myctr: |Error: |\w*Error\b|bwrap: |unshare: |chroot: )/.test(l)) ?? lines.at(-1) ?? '';
}

/** Why a run counts as failed, or undefined when it exited 0. */
export function failureOf(out: RunOutcome): string | undefined {
  if (out.code === 0) return undefined;
  const how = out.signal ? `killed by ${out.signal}` : `exit status ${out.code}`;
  const msg = lastLine(out.stderr);
  return msg ? `${how}: ${msg}` : how;
}

/**
 * Runs `cmd` once: stdin /dev/null, stdout discarded, stderr kept (truncated). The child gets its own
 * session so a timeout can kill everything it started. `ms` is from just before spawn() to the exit
 * event, so it includes the fork/exec of the first program (≈1 ms, the same for every row).
 */
export function runOnce(cmd: BenchCommand, onSpawn?: (pid: number) => void): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = cmd.argv;
    if (file === undefined) {
      reject(new Error('empty command'));
      return;
    }
    let stderr = '';
    let exitAt: bigint | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const start = process.hrtime.bigint();
    const child = spawn(file, args, {
      env: commandEnv(cmd.env),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      ...(cmd.cwd !== undefined ? { cwd: cmd.cwd } : {}),
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, RUN_TIMEOUT_MS);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      if (stderr.length < STDERR_KEEP) stderr += s.slice(0, STDERR_KEEP - stderr.length);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      exitAt = process.hrtime.bigint();
      exit = { code, signal };
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      const end = exitAt ?? process.hrtime.bigint();
      resolve({ ms: Number(end - start) / 1e6, code: exit?.code ?? null, signal: exit?.signal ?? null, stderr });
    });
    if (child.pid !== undefined) {
      running.add(child.pid);
      onSpawn?.(child.pid);
    }
  });
}

export interface MemoryTools {
  /** `tini` for `tini -s`: orphans (podman's conmon) are re-parented to it instead of init. */
  readonly tini?: string;
  /** GNU time, for the largest single process's maximum RSS. */
  readonly time?: string;
}

export interface MemoryRunOptions {
  readonly tools: MemoryTools;
  /** Where GNU time writes its figure (a file in the bench's temp dir). */
  readonly scratch: string;
  readonly intervalMs: number;
}

export interface MemoryRun {
  readonly outcome: RunOutcome;
  readonly treePeakKb: number;
  readonly treeAtPeak: MemoryResult['treeAtPeak'];
  readonly maxProcKb?: number;
  readonly samples: number;
}

/**
 * Runs `cmd` as `[tini -s --] [time -f %M -o FILE] argv…` and samples the process tree until it exits.
 * The wrappers themselves are left out of the sums. Sampling misses processes that live shorter than
 * the interval, so the tree peak is a lower bound; with tini it also sees double-forked processes.
 */
export async function memoryRun(cmd: BenchCommand, opts: MemoryRunOptions): Promise<MemoryRun> {
  const timeFile = join(opts.scratch, 'time-M.txt');
  rmSync(timeFile, { force: true });
  const wrap: string[] = [];
  if (opts.tools.tini) wrap.push(opts.tools.tini, '-s', '--');
  if (opts.tools.time) wrap.push(opts.tools.time, '-f', '%M', '-o', timeFile);
  let tracker: TreeTracker | undefined;
  let done = false;
  let peak = { totalKb: 0, procs: [] as { comm: string; kb: number }[] };
  let samples = 0;
  const sampleLoop = async (): Promise<void> => {
    while (!done) {
      if (tracker) {
        const s = tracker.sample();
        samples++;
        if (s.totalKb > peak.totalKb) peak = { totalKb: s.totalKb, procs: [...s.procs] };
      }
      await sleep(opts.intervalMs);
    }
  };
  const loop = sampleLoop();
  const outcome = await runOnce({ ...cmd, argv: [...wrap, ...cmd.argv] }, (pid) => {
    // The wrappers head the tree: tini (the spawned pid), then GNU time as its child; neither is counted.
    const isWrapper = (p: ProcStat): boolean =>
      wrap.length > 0 && (p.pid === pid || (opts.tools.tini !== undefined && opts.tools.time !== undefined && p.ppid === pid && p.comm === 'time'));
    tracker = new TreeTracker(pid, isWrapper);
  }).finally(() => {
    done = true;
  });
  await loop;
  let maxProcKb: number | undefined;
  if (opts.tools.time && existsSync(timeFile)) {
    const n = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
    if (Number.isFinite(n) && n > 0) maxProcKb = n;
  }
  return {
    outcome,
    treePeakKb: peak.totalKb,
    treeAtPeak: byComm(peak.procs),
    ...(maxProcKb !== undefined ? { maxProcKb } : {}),
    samples,
  };
}
