// Runs the compiled CLI in a child process, as integration tests must: the test runner is multithreaded and
// can never create the namespaces itself (STYLE §0.1, §3.9). runCli and spawnCli go through the `myctr`
// command (dist/client/cli/myctr, the package's bin) as users do, with this process's node (MYCTR_NODE).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PasswdUser } from './subid.js';

/** Absolute path of the built CLI entry, relative to this file so a copied checkout works too. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/client/cli/main.cjs', import.meta.url));
/** The `myctr` command, which runs CLI_PATH (client/launch/myctr.sh). */
export const COMMAND_PATH = fileURLToPath(new URL('../../dist/client/cli/myctr', import.meta.url));

export const DEFAULT_TIMEOUT_MS = 60_000;
/** How long to wait for stdout/stderr to close after the CLI exited (a leaked child may hold them). */
const CLOSE_GRACE_MS = 5_000;

export interface CliOptions {
  /** Merged over process.env (pass testEnv().env here). */
  env?: NodeJS.ProcessEnv;
  /** Run as this user (the caller must be root): sets uid/gid (libuv drops supplementary groups) and
   *  HOME, USER, LOGNAME, XDG_RUNTIME_DIR=/run/user/<uid>. */
  user?: PasswdUser;
  cwd?: string;
}

export interface RunCliOptions extends CliOptions {
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function assertBuilt(): void {
  for (const p of [CLI_PATH, COMMAND_PATH]) if (!existsSync(p)) throw new Error(`\`${p}\` not found: run \`npm run build\` first`);
}

function childEnv(opts: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MYCTR_NODE: process.execPath, ...opts.env };
  if (opts.user) {
    const u = opts.user;
    Object.assign(env, { HOME: u.home, USER: u.name, LOGNAME: u.name, XDG_RUNTIME_DIR: `/run/user/${u.uid}` });
  }
  return env;
}

function spawnOptions(opts: CliOptions, stdio: StdioOptions, detached: boolean) {
  return {
    env: childEnv(opts),
    stdio,
    detached,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
  };
}

/** Starts `myctr …args` with piped stdio, for tests that send signals or stream stdin themselves. The
 *  caller owns the process (the launcher exec's node: its pid is the CLI's) and must reap it. */
export function spawnCli(args: readonly string[], opts: CliOptions & { stdio?: StdioOptions } = {}): ChildProcess {
  assertBuilt();
  return spawn(COMMAND_PATH, args, spawnOptions(opts, opts.stdio ?? 'pipe', false));
}

/**
 * Runs the CLI to completion and collects its output. The CLI gets its own process group, so a timeout
 * (default 60 s) SIGKILLs everything it started; the promise then rejects with the partial output.
 */
export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  assertBuilt();
  return runProgram(COMMAND_PATH, args, opts);
}

/** runCli for any Node script (the helpers' own tests use it with small fixture scripts). */
export function runScript(script: string, args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  return runProgram(process.execPath, [script, ...args], opts);
}

function runProgram(file: string, argv: readonly string[], opts: RunCliOptions): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const child = spawn(file, argv, spawnOptions(opts, 'pipe', true));
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin?.on('error', () => undefined); // EPIPE when the CLI exits without reading stdin
  child.stdin?.end(opts.input ?? '');

  return new Promise<CliResult>((resolve, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (exit) resolve({ ...exit, stdout, stderr });
    };
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // group already gone
      }
      clearTimeout(graceTimer);
      reject(
        new Error(
          `${[file, ...argv].join(' ')}: timed out after ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      graceTimer = setTimeout(finish, CLOSE_GRACE_MS);
    });
    child.on('close', finish);
  });
}

/** Formats a CliResult for assertion messages. */
export function describeResult(r: CliResult): string {
  return `exit ${String(r.code ?? r.signal)}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
