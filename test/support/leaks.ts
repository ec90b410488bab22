// Leak checks for integration tests (STYLE §3.9, node-pty style): host-visible mounts under the test's
// store, processes carrying the test's marker, children of the test process, and fds of the test process.
// Take snapshot() before the test body and call assertNoLeaks() after it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MountInfo {
  readonly id: number;
  readonly parentId: number;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** Decodes the octal escapes proc(5) uses for space, tab, newline and backslash in mountinfo paths. */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/<pid>/mountinfo (proc(5)): `id parent maj:min root mountpoint opts [optional…] - fstype source superopts`. */
export function parseMountinfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 7 || sep < 0 || f.length < sep + 3) throw new Error(`malformed mountinfo line: ${line}`);
    mounts.push({
      id: Number(f[0]),
      parentId: Number(f[1]),
      mountPoint: unescapeMountPath(f[4] ?? ''),
      fsType: f[sep + 1] ?? '',
      source: unescapeMountPath(f[sep + 2] ?? ''),
    });
  }
  return mounts;
}

/** True if `path` is `prefix` or below it (`/a/b` is under `/a`, `/ab` is not). */
export function isUnder(path: string, prefix: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(p === '/' ? '/' : `${p}/`);
}

export interface LeakOptions {
  /** Mounts at or below this path count as the test's. */
  readonly mountPrefix: string;
  /** Processes whose command line contains this string count as the test's (e.g. the test store path). */
  readonly marker: string;
}

export interface LeakSnapshot {
  /** `id mountpoint (fstype)` of mounts under the prefix. */
  readonly mounts: readonly string[];
  /** `pid: cmdline` of processes with the marker, other than this one. */
  readonly markedProcs: readonly string[];
  /** `pid: cmdline` of live children of this process. */
  readonly children: readonly string[];
  /** `fd -> target` of this process. */
  readonly fds: readonly string[];
}

function readProcText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // raced with exit, or not ours to read
  }
}

/** ppid from /proc/<pid>/stat; the comm field may contain spaces and parentheses, so split after the last ')'. */
export function parsePpid(stat: string): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

function scanProcs(marker: string): { marked: string[]; children: string[] } {
  const marked: string[] = [];
  const children: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = readProcText(`/proc/${entry}/cmdline`);
    if (cmdline === undefined) continue;
    const shown = `${entry}: ${cmdline.replace(/\0+$/, '').replaceAll('\0', ' ')}`;
    if (marker !== '' && cmdline.replaceAll('\0', ' ').includes(marker)) marked.push(shown);
    const stat = readProcText(`/proc/${entry}/stat`);
    if (stat !== undefined && parsePpid(stat) === process.pid) children.push(shown);
  }
  return { marked, children };
}

function listFds(): string[] {
  const fds: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds.push(`${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`);
    } catch {
      // the fd readdir itself used, closed by now
    }
  }
  return fds;
}

let warmedUp = false;

/** libuv opens its SIGCHLD signal pipe on the first async spawn; do one before the first fd snapshot so
 *  that pipe is not reported as a leak of the first test. */
async function warmUp(): Promise<void> {
  if (warmedUp) return;
  await new Promise<void>((resolve) => {
    const p = spawn('true', { stdio: 'ignore' });
    p.on('error', () => resolve());
    p.on('close', () => resolve());
  });
  warmedUp = true;
}

export async function snapshot(opts: LeakOptions): Promise<LeakSnapshot> {
  await warmUp();
  const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'))
    .filter((m) => isUnder(m.mountPoint, opts.mountPrefix))
    .map((m) => `${m.id} ${m.mountPoint} (${m.fsType})`);
  const procs = scanProcs(opts.marker);
  return { mounts, markedProcs: procs.marked, children: procs.children, fds: listFds() };
}

/** What is in `after` but not in `before`, per category, as readable lines; empty if nothing leaked. */
export function diffSnapshots(before: LeakSnapshot, after: LeakSnapshot): string[] {
  const leaks: string[] = [];
  const categories = [
    ['mount', 'mounts'],
    ['process', 'markedProcs'],
    ['child', 'children'],
    ['fd', 'fds'],
  ] as const;
  for (const [label, key] of categories) {
    const old = new Set(before[key]);
    for (const item of after[key]) if (!old.has(item)) leaks.push(`${label} ${item}`);
  }
  return leaks;
}

/** Fails if mounts, processes, children or fds appeared since `before`. Retries for up to `settleMs`
 *  (default 2 s) first, because killed containers take a moment to be reaped and unmounted. */
export async function assertNoLeaks(before: LeakSnapshot, opts: LeakOptions & { settleMs?: number }): Promise<void> {
  const deadline = Date.now() + (opts.settleMs ?? 2000);
  for (;;) {
    const leaks = diffSnapshots(before, await snapshot(opts));
    if (leaks.length === 0) return;
    if (Date.now() >= deadline) assert.fail(`leaked after test:\n  ${leaks.join('\n  ')}`);
    await sleep(50);
  }
}
