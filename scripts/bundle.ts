// The second half of `npm run build`: after tsc has written dist/, bundle the Node entry points so that each
// Node start reads one file instead of resolving and linking tens of ES modules. Production still runs tsc's
// JavaScript, just concatenated; the other entry points (the workers, exec, the port forwarder) run unbundled,
// and dist/ works unbundled too (nodeEntryArgv picks a launcher only where one exists).
//
// - The two entries on the path of every `myctr run`, the CLI (client/cli/main.js) and the container init
//   (client/runtime/init/main.js), become CommonJS bundles `<entry>.bundle.cjs` started by a copy of
//   client/launch/bundle-launcher.cjs named `<entry>.cjs`, which compiles them with a per-user V8 code cache
//   (see there for why CommonJS). Dynamic imports become lazy module initialisers inside the same file, so a
//   command's top level still runs only when it is used, and everything is one module graph (no class or
//   module state exists twice: instanceof MyctrError holds). The last line of each is the content hash that
//   keys its code cache.
// - package.json's `bin` is dist/client/cli/myctr, the shell launcher made from client/launch/myctr.sh with
//   the stage-0 scripts of stage0Script() filled in: it runs main.cjs, after starting a run's stage 0.
// - The per-user supervisor (client/runtime/supervisor/daemon/main.js) is bundled in place as an ES module:
//   it is long-lived, so this is for memory (~1.5 MB less V8 heap idle than ~60 separate modules;
//   docs/LIFECYCLE.md "Memory"), not for start-up time.
// npm packages other than commander stay external (koffi's native module, pino's transports and msgpackr's
// optional native part find their files relative to themselves). `import.meta.url` in a bundled file is
// rewritten to that file's original URL, relative to the bundle, so that paths computed from it
// (nodeEntryArgv, createRequire) stay what they were and the build stays relocatable (scripts/setup.sh copies
// dist/ to /opt/myctr).
import { build, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stage0Script } from '../client/runtime/start/stage0.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const MARKER = '// myctr bundle (scripts/bundle.ts)';
/** tsc's output of client/launch/bundle-launcher.cts, copied beside each CommonJS bundle. */
const LAUNCHER = join(DIST, 'client', 'launch', 'bundle-launcher.cjs');

/** Entry points (relative to dist/) and the packages bundled into them; all other packages stay external. */
interface Entry {
  file: string;
  /** npm packages bundled in; the others stay external. */
  bundled: string[];
  /** `launched`: `<entry>.bundle.cjs` plus its launcher `<entry>.cjs`; `in-place`: an ES module bundle over the entry. */
  kind: 'launched' | 'in-place';
  /** For `launched`: a module bundled alone as `<entry>.pre.cjs`, which the launcher runs first. */
  pre?: string;
  /**
   * For `launched`: command word → another entry, bundled as `<entry>.<word>.bundle.cjs`, which the launcher
   * starts instead for that command (client/cli/run-main.ts: `run` alone, none of the other commands' code).
   */
  only?: Record<string, string>;
}
const ENTRIES: Entry[] = [
  { file: 'client/cli/main.js', bundled: ['commander'], kind: 'launched', pre: 'client/cli/early-main.js', only: { run: 'client/cli/run-main.js' } },
  { file: 'client/runtime/init/main.js', bundled: [], kind: 'launched' },
  { file: 'client/runtime/supervisor/daemon/main.js', bundled: [], kind: 'in-place' },
];

function externalPackages(bundled: string[]): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => !bundled.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/**
 * Rewrites `import.meta.url` in every file of dist/ to the file's own URL as seen from the output file in
 * `outdir`, whose own URL is the expression `base`.
 */
function keepModuleUrls(outdir: string, base: string): Plugin {
  return {
    name: 'myctr-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!args.path.startsWith(DIST + sep) || !text.includes('import.meta.url')) {
          return { contents: text, loader: 'js' };
        }
        const rel = relative(outdir, args.path).split(sep).join('/');
        const url = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, ${base}).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
      });
    },
  };
}

/**
 * commander requires node:child_process at its top, for executable subcommands, which myctr has none of; that
 * require would load node:net and the streams into every CLI start (~7 ms), which a plain `myctr run` defers
 * until its init has its config (client/runtime/start/fifo-channel.ts). So the bundled copy requires it on
 * first use. The build fails if commander's line changes, rather than silently losing this.
 */
function lazyChildProcessInCommander(): Plugin {
  const eager = "const childProcess = require('node:child_process');";
  return {
    name: 'myctr-commander-lazy-child-process',
    setup(b) {
      b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(eager)) throw new Error(`${args.path}: \`${eager}\` not found; review scripts/bundle.ts`);
        const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
        return { contents: text.replace(eager, lazy), loader: 'js' };
      });
    },
  };
}

/** One esbuild run: `input` (in dist/) and what it imports, as one ES module or CommonJS file. */
async function bundleText(input: string, outfile: string, format: 'esm' | 'cjs', bundled: string[]): Promise<string> {
  const source = await readFile(input, 'utf8');
  if (source.startsWith(MARKER) || source.startsWith(`#!/usr/bin/env node\n${MARKER}`)) {
    throw new Error(`${relative(DIST, input)} is a bundle already: run the whole \`npm run build\` (tsc first)`);
  }
  const cjs = format === 'cjs';
  const result = await build({
    entryPoints: [input],
    bundle: true,
    write: false,
    outfile,
    platform: 'node',
    format,
    target: 'node20',
    external: externalPackages(bundled),
    // CommonJS: the bundle's own URL, for import.meta.url below, taken once (a module's own `require` may be
    // renamed by esbuild). ES module: a CommonJS package inside calls require() for Node's built-ins.
    banner: { js: cjs ? `${MARKER}\nconst __myctrBundleUrl = require('node:url').pathToFileURL(__filename).href;` : `${MARKER}\nimport { createRequire as __myctrCreateRequire } from 'node:module';\nconst require = __myctrCreateRequire(import.meta.url);` },
    // First: esbuild takes the contents of the first onLoad that returns some.
    plugins: [lazyChildProcessInCommander(), keepModuleUrls(dirname(outfile), cjs ? '__myctrBundleUrl' : 'import.meta.url')],
    legalComments: 'none',
    logLevel: 'warning',
  });
  const [out] = result.outputFiles;
  if (!out || result.outputFiles.length !== 1) throw new Error(`esbuild wrote no single file for ${relative(DIST, input)}`);
  if (!cjs) return out.text;
  // Node's CommonJS loader strips a #! line; vm.Script, which the launcher uses, would not.
  const text = out.text.replace(/^#!.*\n/, '');
  if (/\bimport\(/.test(text)) throw new Error(`${relative(DIST, input)}: a dynamic import() is left in the CommonJS bundle; the launcher's vm.Script cannot run it`);
  return text;
}

async function bundle(entry: Entry): Promise<void> {
  const input = join(DIST, entry.file);
  if (entry.kind === 'in-place') {
    await writeFile(input, await bundleText(input, input, 'esm', entry.bundled));
    return;
  }
  const keyed = async (from: string, outfile: string) => {
    const text = await bundleText(from, outfile, 'cjs', entry.bundled);
    const key = createHash('sha256').update(text).digest('hex');
    await writeFile(outfile, `${text}\n//# myctr-bundle ${key}\n`);
  };
  await keyed(input, input.replace(/\.js$/, '.bundle.cjs'));
  for (const [word, file] of Object.entries(entry.only ?? {})) {
    await keyed(join(DIST, file), input.replace(/\.js$/, `.${word}.bundle.cjs`));
  }
  if (entry.pre) {
    const pre = input.replace(/\.js$/, '.pre.cjs');
    await writeFile(pre, await bundleText(join(DIST, entry.pre), pre, 'cjs', []));
  }
  await copyFile(LAUNCHER, input.replace(/\.js$/, '.cjs'));
}

/** A shell word that is `text` (single quotes; a quote inside becomes '\''). */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** dist/client/cli/myctr: the command, from client/launch/myctr.sh. */
async function writeCommand(): Promise<void> {
  const script = (mapRequest: boolean) => shellQuote(stage0Script({ mapRequest, pidNamespace: true, keepSync: true, launcher: true }));
  const text = (await readFile(join(ROOT, 'client', 'launch', 'myctr.sh'), 'utf8'))
    .replace('@STAGE0_ROOT@', script(false))
    .replace('@STAGE0_USERNS@', script(true));
  if (text.includes('@STAGE0_')) throw new Error('client/launch/myctr.sh: a placeholder is left');
  const out = join(DIST, 'client', 'cli', 'myctr');
  await writeFile(out, text);
  await chmod(out, 0o755);
}

for (const entry of ENTRIES) await bundle(entry);
await writeCommand();
