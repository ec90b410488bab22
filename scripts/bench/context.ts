// What sections share: options, facts about the host, one private temp dir (removed at the end), shared
// fixtures (built once, e.g. the busybox rootfs), clean-up hooks, and progress on stderr.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, tmpdir, totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './args.js';
import { isScrubbedEnv } from './measure.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HostInfo {
  readonly date: string;
  readonly hostname: string;
  readonly mode: 'root' | 'rootless';
  readonly user: string;
  readonly uid: number;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memTotalMb: number;
  readonly kernel: string;
  readonly node: string;
  /** `git describe`-like: the commit and whether the checkout has changes. */
  readonly commit: string;
  /** 1-minute load average when the bench started (other work on the machine skews the figures). */
  readonly loadAvg: number;
  /** Node variables that were set here and are removed for the measured commands (npm_* not listed). */
  readonly envRemoved: readonly string[];
}

type Cleanup = () => void | Promise<void>;

/** Thrown by checkAborted() once Ctrl-C (or SIGTERM) arrived: sections stop, main cleans up. */
export class BenchAborted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

export class BenchContext {
  readonly tmp: string;
  private readonly cleanups: { what: string; fn: Cleanup }[] = [];
  private readonly fixtures = new Map<string, Promise<unknown>>();
  private lastProgressLen = 0;
  /** Set by the signal handler; sections call checkAborted() before starting anything new. */
  abortedBy: NodeJS.Signals | undefined;

  constructor(
    readonly opts: BenchOptions,
    readonly host: HostInfo,
  ) {
    this.tmp = mkdtempSync(join(tmpdir(), 'myctr-bench-'));
  }

  checkAborted(): void {
    if (this.abortedBy) throw new BenchAborted(this.abortedBy);
  }

  /** Builds a shared fixture once (later sections get the same promise). */
  fixture<T>(key: string, create: () => Promise<T>): Promise<T> {
    let p = this.fixtures.get(key) as Promise<T> | undefined;
    if (!p) {
      p = create();
      this.fixtures.set(key, p);
    }
    return p;
  }

  /** Registers clean-up; hooks run in reverse order, before the temp dir goes. */
  onCleanup(what: string, fn: Cleanup): void {
    this.cleanups.push({ what, fn });
  }

  async cleanup(removeTmp: (dir: string) => Promise<void>): Promise<void> {
    for (const { what, fn } of this.cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        this.warn(`clean-up of ${what} failed: ${(err as Error).message}`);
      }
    }
    try {
      await removeTmp(this.tmp);
    } catch (err) {
      this.warn(`could not remove ${this.tmp}: ${(err as Error).message}`);
    }
  }

  /** A transient progress line on a terminal, or a plain line otherwise (all on stderr). */
  progress(text: string): void {
    if (this.opts.quiet) return;
    if (process.stderr.isTTY) {
      const pad = Math.max(0, this.lastProgressLen - text.length);
      process.stderr.write(`\r${text}${' '.repeat(pad)}`);
      this.lastProgressLen = text.length;
    } else {
      process.stderr.write(`${text}\n`);
    }
  }

  endProgress(): void {
    if (process.stderr.isTTY && this.lastProgressLen > 0) process.stderr.write(`\r${' '.repeat(this.lastProgressLen)}\r`);
    this.lastProgressLen = 0;
  }

  warn(text: string): void {
    this.endProgress();
    process.stderr.write(`bench: ${text}\n`);
  }
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-c', `safe.directory=${REPO_ROOT.replace(/\/$/, '')}`, '-C', REPO_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function hostInfo(): HostInfo {
  const uid = process.geteuid?.() ?? 0;
  const cpuList = cpus();
  let cpuModel = cpuList[0]?.model.trim() ?? 'unknown';
  if (cpuModel === '' || cpuModel === 'unknown') {
    try {
      cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
    } catch {
      /* keep unknown */
    }
  }
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = String(uid);
  }
  return {
    date: new Date().toISOString(),
    hostname: hostname(),
    mode: uid === 0 ? 'root' : 'rootless',
    user,
    uid,
    cpus: cpuList.length,
    cpuModel,
    memTotalMb: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    commit: head ? `${head}${dirty ? ' (+ local changes)' : ''}` : 'unknown',
    loadAvg: Math.round(loadavg()[0]! * 100) / 100,
    envRemoved: Object.keys(process.env).filter((k) => isScrubbedEnv(k) && !k.startsWith('npm_')).sort(),
  };
}
