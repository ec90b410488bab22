// Shared setup for the `myctr build` integration tests: a private store with busybox, a context dir the CLI's
// user can read, `build()` that runs the CLI in it, and readers for the resulting image record.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, type CliResult, type RunCliOptions } from '../../support/spawn-cli.js';
import { removeTree, testEnv, type TestEnv } from '../../support/tmp.js';

export interface ImageRecordView {
  id: string;
  layers: string[];
  config: Record<string, unknown>;
  history: { created_by: string }[];
}

export interface BuildFixture {
  env: TestEnv;
  cli(args: readonly string[], opts?: RunCliOptions): Promise<CliResult>;
  /** `myctr run --rm --network none …` (the result's contents, not networking, are under test). */
  run(args: readonly string[]): Promise<CliResult>;
  /** A fresh context dir with these files (path → content; a trailing `/` makes a directory). */
  context(files: Record<string, string>): string;
  /** `myctr build` with `args`, in `dir`. */
  build(dir: string, args: readonly string[], opts?: RunCliOptions): Promise<CliResult>;
  image(id: string): ImageRecordView;
  /** Leftovers of builds: layer tmp dirs and per-build run dirs. */
  leftovers(): string[];
  cleanup(): Promise<void>;
}

export async function setupBuildFixture(): Promise<BuildFixture> {
  const env = testEnv();
  const cli = (args: readonly string[], opts: RunCliOptions = {}) => runCli(args, { timeoutMs: 120_000, ...opts, env: { ...env.env, ...opts.env } });
  const boot = await cli(['bootstrap', 'busybox']);
  if (boot.code !== 0) throw new Error(`bootstrap busybox failed: ${boot.stderr}`);
  const ctxRoot = mkdtempSync(join(tmpdir(), 'myctr-build-ctx-'));
  chmodSync(ctxRoot, 0o755);
  let n = 0;
  return {
    env,
    cli,
    run: (args) => cli(['run', '--rm', '--network', 'none', ...args]),
    context(files) {
      const dir = join(ctxRoot, String(n++));
      mkdirSync(dir, { mode: 0o755 });
      for (const [path, content] of Object.entries(files)) {
        const abs = join(dir, path);
        if (path.endsWith('/')) { mkdirSync(abs, { recursive: true }); continue; }
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
      return dir;
    },
    build: (dir, args, opts = {}) => cli(['build', ...args, '.'], { cwd: dir, ...opts }),
    image(id) {
      return JSON.parse(readFileSync(join(env.root, 'storage', 'images', `${id}.json`), 'utf8')) as ImageRecordView;
    },
    leftovers() {
      const layers = readdirSync(join(env.root, 'storage', 'layers')).filter((d) => d.startsWith('.tmp'));
      let runs: string[] = [];
      try { runs = readdirSync(join(env.runRoot, 'build')); } catch { /* no build yet */ }
      return [...layers, ...runs.map((r) => `run/build/${r}`)];
    },
    async cleanup() {
      await env.cleanup();
      await removeTree(ctxRoot);
    },
  };
}

/** The last line of stdout: `myctr build` prints the image id there. */
export function imageIdOf(r: CliResult): string {
  const id = r.stdout.trim().split('\n').pop() ?? '';
  if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`no image id in stdout: ${JSON.stringify(r.stdout)}\n${r.stderr}`);
  return id;
}
