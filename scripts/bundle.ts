// The second half of `npm run build`: after tsc has written dist/, bundle the two Node entry points that every
// `myctr run` starts, in place, so that each Node start reads one file instead of resolving and linking ~70
// (the CLI) or ~30 (the container init) ES modules, and the CLI does not go through the CommonJS loader for
// commander. Production still runs tsc's JavaScript, just concatenated; every other file in dist/ stays as tsc
// wrote it (the other entry points, e.g. the workers, run unbundled), and dist/ works unbundled too.
//
// - dist/client/cli/main.js: the CLI with all its commands (dynamic imports become lazy module
//   initialisers inside the same file, so a command's top level still runs only when it is used) and commander.
//   Everything is one module graph, so no class or module state exists twice (instanceof MyctrError holds).
// - dist/client/runtime/init/main.js: the container init, its own process.
// Other npm packages stay external (koffi's native module, pino's transports and msgpackr's optional native
// part find their files relative to themselves). `import.meta.url` in a bundled file is rewritten to that
// file's original URL, relative to the bundle, so that paths computed from it (nodeEntryArgv, createRequire)
// stay what they were and the build stays relocatable (scripts/setup.sh copies dist/ to /opt/myctr).
import { build, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const MARKER = '// myctr bundle (scripts/bundle.ts)';

/** Entry points (relative to dist/) and the packages bundled into them; all other packages stay external. */
interface Entry {
  file: string;
  /** npm packages bundled in; the others stay external. */
  bundled: string[];
  /** Dynamic imports become chunks loaded on use (a `run` does not parse the registry or build code). */
  split: boolean;
}
const ENTRIES: Entry[] = [
  { file: 'client/cli/main.js', bundled: ['commander'], split: true },
  { file: 'client/runtime/init/main.js', bundled: [], split: false },
  // The per-user supervisor: long-lived, so not for start-up time but for memory (~1.5 MB less V8 heap idle
  // than ~60 separate modules; docs/LIFECYCLE.md "Memory").
  { file: 'client/runtime/supervisor/daemon/main.js', bundled: [], split: false },
];
/** Chunk files of a split bundle: `<entry dir>/bundle-<name>-<hash>.js`, replaced on every build. */
const CHUNK_PREFIX = 'bundle-';

function externalPackages(bundled: string[]): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => !bundled.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/** Rewrites `import.meta.url` in every file of dist/ to the file's own URL as seen from the output files in `outdir`. */
function keepModuleUrls(outdir: string): Plugin {
  return {
    name: 'myctr-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!args.path.startsWith(DIST + sep) || !text.includes('import.meta.url')) {
          return { contents: text, loader: 'js' };
        }
        const rel = relative(outdir, args.path).split(sep).join('/');
        const url = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
      });
    },
  };
}

async function bundle(entry: Entry): Promise<void> {
  const outfile = join(DIST, entry.file);
  const outdir = dirname(outfile);
  const source = await readFile(outfile, 'utf8');
  if (source.startsWith(MARKER) || source.startsWith(`#!/usr/bin/env node\n${MARKER}`)) {
    throw new Error(`${entry.file} is a bundle already: run the whole \`npm run build\` (tsc first)`);
  }
  const result = await build({
    entryPoints: [outfile],
    bundle: true,
    write: false,
    outdir,
    entryNames: '[name]',
    // Chunks sit beside the entry, so that one relative path per source file fits every output file.
    ...(entry.split ? { splitting: true, chunkNames: `${CHUNK_PREFIX}[name]-[hash]` } : {}),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: externalPackages(entry.bundled),
    // A CommonJS package inside an ES module bundle calls require() for Node's built-ins.
    banner: { js: `${MARKER}\nimport { createRequire as __myctrCreateRequire } from 'node:module';\nconst require = __myctrCreateRequire(import.meta.url);` },
    plugins: [keepModuleUrls(outdir)],
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (!result.outputFiles.some((f) => f.path === outfile)) throw new Error(`esbuild wrote no ${entry.file}`);
  if (entry.split) {
    for (const name of await readdir(outdir)) if (name.startsWith(CHUNK_PREFIX)) await rm(join(outdir, name));
  }
  for (const f of result.outputFiles) await writeFile(f.path, f.text);
}

for (const entry of ENTRIES) await bundle(entry);
