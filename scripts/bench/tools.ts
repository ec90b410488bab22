// Small process helpers for fixtures: find a program on PATH, run a set-up command and collect its output.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { commandEnv } from './measure.js';

/** The absolute path of `name` on PATH (or among `extra`), if it is executable. */
export function which(name: string, extra: readonly string[] = []): string | undefined {
  const dirs = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/sbin', '/sbin']) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return extra.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Exec {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a set-up command (not a measured one) to completion; never rejects for a non-zero exit. */
export function exec(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (file === undefined) {
      reject(new Error('empty command'));
      return;
    }
    const child = spawn(file, args, {
      env: commandEnv(opts.env),
      stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 300_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last non-empty line of a command's stderr, with podman's `Error: ` prefix dropped. */
export function errorLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.at(-1) ?? '').replace(/^Error: /, '');
}
