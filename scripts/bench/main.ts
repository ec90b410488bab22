// `npm run bench [-- --runs N] [-- --only run] [-- --format json]`: runs the benchmark sections and prints
// a table (or JSON). Sections are the files in scripts/bench/sections/ (each exports `section`), so a new
// section is a new file. Everything the bench creates lives in one temp dir that is removed at the end;
// nothing is written into the checkout. Figures never fail the command: they are for reading.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { USAGE, parseArgs, type BenchOptions } from './args.js';
import { BenchAborted, BenchContext, hostInfo } from './context.js';
import { killRunning } from './measure.js';
import { renderReport, toJson } from './report.js';
import type { Section, SectionResult } from './section.js';
import { exec, which } from './tools.js';

const SECTIONS_DIR = new URL('./sections/', import.meta.url);

function isSection(x: unknown): x is Section {
  const s = x as Partial<Section> | undefined;
  return typeof s?.name === 'string' && typeof s.order === 'number' && typeof s.title === 'string' && typeof s.run === 'function';
}

/** Every `sections/*.ts` that exports `section`, by order then name; a file without one is an error. */
export async function loadSections(): Promise<Section[]> {
  const files = readdirSync(SECTIONS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort();
  const sections: Section[] = [];
  for (const f of files) {
    const { section } = (await import(new URL(f, SECTIONS_DIR).href)) as { section?: unknown };
    if (!isSection(section)) throw new Error(`scripts/bench/sections/${f} does not export a \`section\``);
    if (sections.some((s) => s.name === section.name)) throw new Error(`two sections are named \`${section.name}\``);
    sections.push(section);
  }
  return sections.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

export function selectSections(all: readonly Section[], only: readonly string[] | undefined): Section[] {
  if (!only) return [...all];
  const unknown = only.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown section${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `\`${n}\``).join(', ')} (have: ${all.map((s) => s.name).join(', ')})`);
  }
  return all.filter((s) => only.includes(s.name));
}

/** rm -rf, falling back to podman's user namespace for files a rootless run left to subordinate ids. */
async function removeTmp(dir: string): Promise<void> {
  const rm = await exec(['rm', '-rf', '--one-file-system', dir]);
  if (rm.code === 0) return;
  const podman = which('podman');
  if (process.geteuid?.() !== 0 && podman) {
    const again = await exec([podman, 'unshare', 'rm', '-rf', '--one-file-system', dir]);
    if (again.code === 0) return;
  }
  throw new Error(rm.stderr.trim().split('\n')[0] ?? `rm exited ${rm.code}`);
}

async function runSections(opts: BenchOptions, sections: readonly Section[]): Promise<number> {
  const ctx = new BenchContext(opts, hostInfo());
  // First Ctrl-C: kill the command being measured and stop; the normal path below cleans up. Second: quit.
  const onSignal = (sig: NodeJS.Signals) => (): void => {
    if (ctx.abortedBy) {
      process.stderr.write(`bench: ${sig} again: exiting without clean-up; remove ${ctx.tmp} yourself\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    ctx.abortedBy = sig;
    ctx.warn(`${sig}: stopping, then removing ${ctx.tmp}`);
    killRunning();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt).on('SIGTERM', onTerm);
  const results: SectionResult[] = [];
  let status = 0;
  try {
    for (const s of sections) {
      try {
        ctx.checkAborted();
        results.push(await s.run(ctx));
      } catch (err) {
        if (err instanceof BenchAborted || ctx.abortedBy) break;
        ctx.warn(`section ${s.name} failed: ${(err as Error).stack ?? String(err)}`);
        status = 1;
      }
    }
  } finally {
    ctx.endProgress();
    await ctx.cleanup(removeTmp);
    process.off('SIGINT', onInt).off('SIGTERM', onTerm);
  }
  if (ctx.abortedBy) return ctx.abortedBy === 'SIGINT' ? 130 : 143;
  process.stdout.write(opts.format === 'json' ? toJson(ctx.host, opts, results) : renderReport(ctx.host, opts, results));
  return status;
}

async function main(argv: readonly string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const all = await loadSections();
  if (opts.list) {
    for (const s of all) process.stdout.write(`${s.name.padEnd(12)} ${s.title}\n`);
    return 0;
  }
  let selected: Section[];
  try {
    selected = selectSections(all, opts.only);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }
  return runSections(opts, selected);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `npm run bench -- --list | head`: a closed stdout is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.exitCode = await main(process.argv.slice(2));
}
