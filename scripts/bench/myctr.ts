// myctr under test: the compiled CLI through the `myctr` command (dist/client/cli/myctr, the `bin`) with
// a private store in the bench's temp dir (MYCTR_ROOT / MYCTR_RUNROOT), holding `busybox:latest`. The CLI
// runs from a copy of dist/ taken when the bench starts (with package.json and a node_modules symlink next
// to it), so a rebuild of the checkout during the bench cannot break or mix the runs.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type BenchContext } from './context.js';
import type { BenchCommand } from './measure.js';
import { errorLine, exec } from './tools.js';

export const CLI_PATH = join(REPO_ROOT, 'dist', 'client', 'cli', 'main.cjs');
/** The command; a build from before it existed runs as `node main.cjs`. */
const COMMAND = 'myctr';

export interface MyctrSetup {
  readonly env: NodeJS.ProcessEnv;
  /** `…/myctr` (or `node …/main.cjs`); append the subcommand. */
  readonly cli: readonly string[];
  readonly image: string;
  readonly notes: readonly string[];
}

export type MyctrFixture = { readonly ok: true; readonly setup: MyctrSetup } | { readonly ok: false; readonly reason: string };

export function myctrCommand(setup: MyctrSetup, args: readonly string[]): BenchCommand {
  return { argv: [...setup.cli, ...args], env: setup.env };
}

/** Newest mtime of the TypeScript sources that build into dist/ (to warn about a stale build). */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (n.endsWith('.ts')) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const top of ['client', 'protocol', 'sys', 'helper']) walk(join(REPO_ROOT, top));
  return newest;
}

export function myctrFixture(ctx: BenchContext): Promise<MyctrFixture> {
  return ctx.fixture('myctr', async (): Promise<MyctrFixture> => {
    if (!existsSync(CLI_PATH)) return { ok: false, reason: `${CLI_PATH} not found: run \`npm run build\` first` };
    const notes: string[] = [];
    const built = statSync(CLI_PATH).mtimeMs;
    if (newestSource() > built + 1000) notes.push('dist/ is older than some sources: run `npm run build` to bench the current code');
    const home = join(ctx.tmp, 'myctr');
    mkdirSync(home);
    cpSync(join(REPO_ROOT, 'dist'), join(home, 'dist'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'package.json'), join(home, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(home, 'node_modules'));
    const dist = join(home, 'dist');
    // MYCTR_NODE: the command's node is this one, as for the peers' rows and `node -e ''`.
    const env = { MYCTR_ROOT: join(home, 'root'), MYCTR_RUNROOT: join(home, 'run'), MYCTR_NODE: process.execPath };
    const command = join(dist, 'client', 'cli', COMMAND);
    const cli = existsSync(command) ? [command] : [process.execPath, join(dist, 'client', 'cli', 'main.cjs')];
    const setup: MyctrSetup = { env, cli, image: 'busybox', notes };
    ctx.progress('setting up: myctr bootstrap busybox');
    const boot = await exec([...setup.cli, 'bootstrap', 'busybox'], { env });
    if (boot.code === 0) return { ok: true, setup };
    if (!/unknown command 'bootstrap'/.test(boot.stderr)) {
      return { ok: false, reason: `\`myctr bootstrap busybox\` failed: ${errorLine(boot.stderr)}` };
    }
    // A build without the bootstrap command: create the image with the compiled library instead.
    const lib = join(dist, 'client', 'image', 'bootstrap.js');
    if (!existsSync(lib)) return { ok: false, reason: 'this build has neither `myctr bootstrap` nor dist/client/image/bootstrap.js' };
    const script = [
      `const { bootstrapImage } = await import(${JSON.stringify(lib)});`,
      `const { ImageStore } = await import(${JSON.stringify(join(dist, 'client', 'image', 'store.js'))});`,
      `const { resolvePaths } = await import(${JSON.stringify(join(dist, 'client', 'paths.js'))});`,
      `await bootstrapImage(ImageStore.open(resolvePaths()), 'busybox');`,
    ].join('\n');
    const viaLib = await exec([process.execPath, '--input-type=module', '-e', script], { env });
    if (viaLib.code !== 0) return { ok: false, reason: `creating busybox:latest failed: ${errorLine(viaLib.stderr)}` };
    notes.push('`myctr bootstrap` is not registered in this build; busybox:latest was created with dist/client/image/bootstrap.js');
    return { ok: true, setup };
  });
}
