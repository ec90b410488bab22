// Runs a host program as root of a fresh user namespace mapped over the caller's subordinate range: how the
// store unpacks layers with their owners and deletes files owned by subordinate ids. As root: runs directly.
import type { StdioOptions } from 'node:child_process';
import { childProcess } from '../lazy-builtins.js';
import { rm } from 'node:fs';
import { removeSync } from '../storage/remove.js';
import { isRoot } from '../paths.js';
import { MyctrError } from './errors.js';
import { currentUserIdMap } from './idmap.js';
import { spawnStage0, waitExit } from './start/stage0.js';
import type { ChildProcess } from 'node:child_process';

export interface UsernsRunOptions {
  argv: readonly string[];
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
}

/** Starts argv (as uid 0 in a user + mount namespace when rootless); resolves with the running child. */
export async function spawnInUserns(opts: UsernsRunOptions): Promise<ChildProcess> {
  const stdio = (opts.stdio ?? ['ignore', 'inherit', 'inherit']) as unknown[];
  if (isRoot()) {
    const child = childProcess().spawn(opts.argv[0]!, opts.argv.slice(1), { stdio: stdio as StdioOptions, env: opts.env ?? process.env });
    await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
    return child;
  }
  const s0 = await spawnStage0({
    namespaces: ['user', 'mount'],
    argv: opts.argv,
    idMap: currentUserIdMap(),
    stdio: stdio.slice(0, 3),
    ...(opts.env ? { env: opts.env } : {}),
    keepSync: false,
  });
  s0.sync.destroy();
  return s0.child;
}

/** Runs argv to completion inside the user namespace; throws with the program's stderr tail on failure. */
export async function runInUserns(argv: readonly string[]): Promise<void> {
  const child = await spawnInUserns({ argv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const { code, signal } = await waitExit(child);
  if (code !== 0) {
    throw new MyctrError('MYCTR_INTERNAL', `${argv[0]} in user namespace: ${signal ?? `exit ${code}`}: ${stderr.trim().split('\n').pop() ?? ''}`);
  }
}

/**
 * Removes a tree that may hold files owned by subordinate ids (container upper dirs, layers). `blocking`:
 * synchronously, for a process that has nothing else to do (a foreground `run --rm` after its container
 * exited: a small tree goes ~3 ms sooner than through the thread pool); never in the supervisor.
 */
export async function removeTree(path: string, opts: { blocking?: boolean } = {}): Promise<void> {
  try {
    if (opts.blocking) removeSync(path);
    // The callback API: node:fs/promises would cost every `myctr run` ~1 ms and 23 modules at start.
    else await new Promise<void>((resolve, reject) => rm(path, { recursive: true, force: true }, (e) => (e ? reject(e) : resolve())));
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (isRoot() || (code !== 'EACCES' && code !== 'EPERM')) throw err;
  }
  await runInUserns(['rm', '-rf', '--', path]);
}
