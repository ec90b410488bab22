// Temporary directories for tests and their removal, including trees a rootless container filled with
// files owned by subordinate ids, which the user cannot unlink directly (rmInUserns).
// Also testEnv(): an isolated MYCTR_ROOT/MYCTR_RUNROOT pair per test file (client/paths.ts honours both).
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readRanges } from './subid.js';

/** Something that runs a function when a test or file finishes: node:test's TestContext (`t`), or
 *  `{ after }` with node:test's file-level `after`. */
export interface CleanupOwner {
  after(fn: () => Promise<void>): void;
}

/** Dirs made here and not yet removed; the exit hook makes a last synchronous attempt. */
const pending = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dir of pending) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch (err) {
        process.stderr.write(`test/support/tmp: left \`${dir}\` behind: ${(err as Error).message}\n`);
      }
    }
  });
}

/** Creates `<os.tmpdir()>/<prefix>XXXXXX` (mode 0700) and registers its removal with `owner` if given,
 *  otherwise at process exit. */
export function makeTempDir(prefix: string, owner?: CleanupOwner): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  pending.add(dir);
  installExitHook();
  owner?.after(() => removeTree(dir));
  return dir;
}

function isPermissionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** `rm -rf dir`. As a non-root user, files owned by subordinate ids are removed through rmInUserns. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (err) {
    if (process.geteuid?.() === 0 || !isPermissionError(err)) throw err;
    await rmInUserns(dir);
  }
  pending.delete(dir);
}

async function waitForNewUserns(pid: number, exited: () => boolean): Promise<void> {
  const own = readlinkSync('/proc/self/ns/user');
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && !exited()) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/user`) !== own) return;
    } catch {
      // the process is between fork and exec, or gone; exited() tells which
    }
    await sleep(5);
  }
  throw new Error(exited() ? 'unshare exited before creating the user namespace' : 'timed out after 2 s');
}

function runMapper(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || `exit ${String(code)}`}`)),
    );
  });
}

/**
 * Removes `dir` from inside a user namespace that maps 0 → the caller and 1… → the caller's whole
 * subordinate range, so every file a rootless container created is owned by a mapped id and
 * CAP_DAC_OVERRIDE in that namespace applies (what `podman unshare rm -rf` does).
 *
 * Order matters: `sh` is exec'd before the map exists and therefore starts without capabilities; only
 * the `exec rm` that follows the map grants them (execve recomputes caps for uid 0; STYLE §0.3).
 */
export async function rmInUserns(dir: string): Promise<void> {
  const me = { name: userInfo().username, uid: process.geteuid?.() ?? -1, gid: process.getegid?.() ?? -1 };
  const [subuid] = readRanges('uid', me);
  const [subgid] = readRanges('gid', me);
  if (!subuid || !subgid)
    throw new Error(`remove \`${dir}\`: needs an /etc/subuid and /etc/subgid range for ${me.name} to reach files owned by subordinate ids`);
  const child = spawn('unshare', ['--user', '--', 'sh', '-c', 'read _ && exec rm -rf -- "$0"', dir], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let exited = false;
  const done = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      exited = true;
      resolve(code);
    });
  });
  const pid = child.pid;
  try {
    if (pid === undefined) throw new Error('spawn unshare failed');
    await waitForNewUserns(pid, () => exited);
    await runMapper('newuidmap', [String(pid), '0', String(me.uid), '1', '1', String(subuid.start), String(subuid.count)]);
    await runMapper('newgidmap', [String(pid), '0', String(me.gid), '1', '1', String(subgid.start), String(subgid.count)]);
  } catch (err) {
    child.kill('SIGKILL');
    await done.catch(() => undefined);
    throw new Error(`remove \`${dir}\` in a user namespace: ${(err as Error).message}`, { cause: err });
  }
  child.stdin.end('\n');
  const code = await done;
  if (code !== 0) throw new Error(`remove \`${dir}\` in a user namespace: rm exit ${String(code)}: ${stderr.trim()}`);
}

export interface TestEnv {
  /** The env vars to pass to the CLI (merge over process.env). */
  readonly env: { readonly MYCTR_ROOT: string; readonly MYCTR_RUNROOT: string };
  readonly root: string;
  readonly runRoot: string;
  /** Removes both dirs; safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Creates a private store for one test file: `<tmp>/myctr-test-XXXXXX/{root,run}`. With `owner`, root
 * hands the dirs to that user (for tests that run the CLI as a test user). Cleanup is registered with
 * `cleanupOwner` if given, and always at process exit.
 */
export function testEnv(opts: { owner?: { uid: number; gid: number }; cleanupOwner?: CleanupOwner } = {}): TestEnv {
  const base = makeTempDir('myctr-test-', opts.cleanupOwner);
  const root = join(base, 'root');
  const runRoot = join(base, 'run');
  mkdirSync(root, { mode: 0o700 });
  mkdirSync(runRoot, { mode: 0o700 });
  if (opts.owner) for (const d of [base, root, runRoot]) chownSync(d, opts.owner.uid, opts.owner.gid);
  return {
    env: { MYCTR_ROOT: root, MYCTR_RUNROOT: runRoot },
    root,
    runRoot,
    cleanup: () => removeTree(base),
  };
}
