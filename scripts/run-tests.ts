// Test runner: collects **/*.test.ts under the given dirs and runs them with `node --import tsx --test`.
// Needed because Node 20's --test has no globs for .ts files (STYLE §0.7). Exits with the tests' status.
// Usage: tsx scripts/run-tests.ts [--concurrency N] <dir…>   (env MYCTR_TEST_FILTER=<path substring>)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIGNALS: Partial<Record<NodeJS.Signals, number>> = osConstants.signals;

export interface RunnerArgs {
  readonly dirs: readonly string[];
  /** Test files run at once. 1 by default: integration tests share the machine. */
  readonly concurrency: number;
}

/** Parses `[--concurrency N | --concurrency=N] <dir…>`; throws on anything else. */
export function parseArgs(argv: readonly string[]): RunnerArgs {
  const dirs: string[] = [];
  let concurrency = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    let value: string | undefined;
    if (arg === '--concurrency') value = argv[++i];
    else if (arg.startsWith('--concurrency=')) value = arg.slice('--concurrency='.length);
    else if (arg.startsWith('-')) throw new Error(`unknown option \`${arg}\``);
    else {
      dirs.push(arg);
      continue;
    }
    if (value === undefined || !/^[1-9][0-9]*$/.test(value)) throw new Error('--concurrency needs a positive integer');
    concurrency = Number(value);
  }
  if (dirs.length === 0) throw new Error('no test directories given');
  return { dirs, concurrency };
}

/** Keeps `*.test.ts` paths that contain `filter` (if any), without duplicates, sorted. */
export function selectTestFiles(paths: readonly string[], filter: string | undefined): string[] {
  const picked = paths.filter((p) => p.endsWith('.test.ts') && (!filter || p.includes(filter)));
  return [...new Set(picked)].sort();
}

/** Every file below `dir`, as paths relative to the repo root (readable in the TAP output). */
function listFiles(dir: string): string[] {
  const abs = resolve(dir);
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(abs, entry))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true)
    .map((p) => relative(REPO_ROOT, p));
}

function versionAtLeast(major: number, minor: number): boolean {
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  return maj > major || (maj === major && min >= minor);
}

/** Runs one `node --test` process over `files`; resolves with its exit status (128+N on signal N). */
function runNodeTest(files: readonly string[], concurrency: number | undefined): Promise<number> {
  // --import needs Node 20.6; tsx also works as a --loader before that.
  const loader = versionAtLeast(20, 6) ? ['--import', 'tsx'] : ['--loader', 'tsx'];
  const conc = concurrency === undefined ? [] : [`--test-concurrency=${concurrency}`];
  const child = spawn(process.execPath, [...loader, '--test', ...conc, ...files], { cwd: REPO_ROOT, stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group already: only wait for it to report.
  // SIGTERM and SIGHUP are usually aimed at this process alone, so pass them on.
  const onInt = (): void => undefined;
  const onTerm = (): boolean => child.kill('SIGTERM');
  const onHup = (): boolean => child.kill('SIGHUP');
  process.on('SIGINT', onInt).on('SIGTERM', onTerm).on('SIGHUP', onHup);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt).off('SIGTERM', onTerm).off('SIGHUP', onHup);
      const signum = signal ? (SIGNALS[signal] ?? 0) : 0;
      resolvePromise(code ?? 128 + signum);
    });
  });
}

async function main(): Promise<number> {
  let args: RunnerArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`run-tests: ${(err as Error).message}\nusage: tsx scripts/run-tests.ts [--concurrency N] <dir…>`);
    return 2;
  }
  const all: string[] = [];
  for (const dir of args.dirs) {
    if (!existsSync(dir)) {
      console.error(`run-tests: \`${dir}\` does not exist; no tests there`);
      continue;
    }
    all.push(...listFiles(dir));
  }
  const filter = process.env.MYCTR_TEST_FILTER || undefined;
  const files = selectTestFiles(all, filter);
  if (files.length === 0) {
    const where = args.dirs.join(' ');
    console.error(`run-tests: no tests found in ${where}${filter ? ` matching MYCTR_TEST_FILTER=${filter}` : ''}`);
    return 1;
  }
  console.error(`run-tests: ${files.length} file(s) from ${args.dirs.join(' ')}${filter ? ` (filter: ${filter})` : ''}`);

  if (versionAtLeast(20, 10)) return runNodeTest(files, args.concurrency);
  // Node < 20.10 has no --test-concurrency: run one file per process, in order, to keep them serial.
  if (args.concurrency > 1) return runNodeTest(files, undefined);
  let status = 0;
  for (const file of files) status = Math.max(status, await runNodeTest([file], undefined));
  return status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
