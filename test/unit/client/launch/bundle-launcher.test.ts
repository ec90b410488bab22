// bundle-launcher.cts: starts `<entry>.bundle.cjs` through a per-user V8 code cache keyed by the bundle's
// content hash and the command word. Each case runs the launcher (compiled from its source, as tsc would) in a
// real Node process on a small bundle that reports whether V8 took the cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { transformSync } from 'esbuild';

const SOURCE = new URL('../../../../client/launch/bundle-launcher.cts', import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'myctr-launcher-'));
after(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A fresh entry dir `<work>/<n>/cli` holding main.cjs (the launcher) and main.bundle.cjs (`body`, keyed). */
function entry(body: string, opts: { key?: boolean; pre?: string } = {}): { dir: string; cache: string } {
  const dir = join(work, String(++n), 'cli');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.cjs'), transformSync(readFileSync(SOURCE, 'utf8'), { loader: 'ts', format: 'cjs' }).code);
  writeBundle(dir, body, opts.key ?? true);
  if (opts.pre !== undefined) writeFileSync(join(dir, 'main.pre.cjs'), opts.pre);
  return { dir, cache: join(work, String(n), 'cache') };
}

function writeBundle(dir: string, body: string, key: boolean, name = 'main.bundle.cjs'): void {
  const hash = createHash('sha256').update(body).digest('hex');
  writeFileSync(join(dir, name), key ? `${body}\n//# myctr-bundle ${hash}\n` : body);
}

/** Prints whether the cache was used, then exits with `code` (argv[2] is the command word). */
const REPORT = `const hook = globalThis[Symbol.for('myctr.codeCache')];
function work(x) { return [1, 2, 3].map((v) => v * x).join(','); }
process.stdout.write(JSON.stringify({ used: hook.used, work: work(2), file: __filename, pre: globalThis.preRan === true }));
process.exitCode = Number(process.argv[3] ?? 0);`;

function launch(dir: string, cache: string | undefined, args: string[] = ['run']): { used: boolean; work: string; file: string; pre: boolean; status: number | null } {
  const env = { ...process.env, MYCTR_CODE_CACHE: cache ?? 'off' };
  const r = spawnSync(process.execPath, [join(dir, 'main.cjs'), ...args], { env, encoding: 'utf8' });
  assert.equal(r.stderr, '');
  return { ...JSON.parse(r.stdout), status: r.status };
}

test('the first start writes the cache, the next one uses it', () => {
  const { dir, cache } = entry(REPORT);
  const first = launch(dir, cache);
  assert.deepEqual([first.used, first.work, first.status], [false, '2,4,6', 0]);
  assert.equal(first.file, join(dir, 'main.bundle.cjs'));
  const files = readdirSync(cache);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^cli-[0-9a-f]{32}-run\.v8$/);
  assert.equal(launch(dir, cache).used, true);
  // Another command word has its own cache.
  assert.equal(launch(dir, cache, ['ps']).used, false);
  assert.deepEqual(readdirSync(cache).sort(), [files[0]!, files[0]!.replace('-run.', '-ps.')].sort());
});

test('a changed bundle of the same length is keyed anew, not run from the old cache, whose files go', () => {
  const { dir, cache } = entry(REPORT);
  launch(dir, cache);
  launch(dir, cache, ['ps']);
  const old = readdirSync(cache).sort();
  writeFileSync(join(cache, 'init-0123-main.v8'), 'another bundle: kept');
  writeBundle(dir, REPORT.replace('v * x', 'v + x'), true);
  const r = launch(dir, cache);
  assert.deepEqual([r.used, r.work], [false, '3,4,5']);
  const now = readdirSync(cache).sort();
  assert.equal(now.length, 2);
  assert.ok(now.includes('init-0123-main.v8'));
  assert.ok(!now.some((f) => old.includes(f)));
});

test('no cache file from a failing start, with MYCTR_CODE_CACHE=off, or without a key line', () => {
  const failing = entry(REPORT);
  assert.equal(launch(failing.dir, failing.cache, ['run', '3']).status, 3);
  assert.equal(existsSync(failing.cache), false);
  const off = entry(REPORT);
  assert.equal(launch(off.dir, undefined).used, false);
  const unkeyed = entry(REPORT, { key: false });
  assert.equal(launch(unkeyed.dir, unkeyed.cache).used, false);
  assert.equal(existsSync(unkeyed.cache), false);
});

test('a directory that others can write is not used', () => {
  const { dir, cache } = entry(REPORT);
  mkdirSync(cache, { mode: 0o777 });
  chmodSync(cache, 0o777);
  launch(dir, cache);
  assert.deepEqual(readdirSync(cache), []);
  chmodSync(cache, 0o700);
  launch(dir, cache);
  assert.equal(readdirSync(cache).length, 1);
  assert.equal(launch(dir, cache).used, true);
});

test('a corrupt cache file is refused by V8 and replaced', () => {
  const { dir, cache } = entry(REPORT);
  launch(dir, cache);
  const [file] = readdirSync(cache);
  writeFileSync(join(cache, file!), Buffer.alloc(4096, 0xab));
  const r = launch(dir, cache);
  assert.deepEqual([r.used, r.work], [false, '2,4,6']);
  assert.equal(launch(dir, cache).used, true);
});

test('`<entry>.pre.cjs` runs first, and the bundle waits for its `settled` promise', () => {
  const plain = entry(REPORT, { pre: 'globalThis.preRan = true;' });
  assert.equal(launch(plain.dir, plain.cache).pre, true);
  const later = entry(REPORT, { pre: 'exports.settled = new Promise((r) => setTimeout(() => { globalThis.preRan = true; r(); }, 50));' });
  assert.equal(launch(later.dir, later.cache).pre, true);
  const failed = entry(REPORT, { pre: 'exports.settled = new Promise((_, j) => setTimeout(() => { globalThis.preRan = true; j(new Error(\'x\')); }, 50));' });
  assert.equal(launch(failed.dir, failed.cache).pre, true);
});

test('a one-command bundle `<entry>.<word>.bundle.cjs` is started for that command, with its own cache', () => {
  const { dir, cache } = entry(REPORT);
  writeBundle(dir, REPORT.replace('v * x', 'v - x'), true, 'main.run.bundle.cjs');
  const run = launch(dir, cache, ['run']);
  assert.deepEqual([run.file, run.work, run.used], [join(dir, 'main.run.bundle.cjs'), '-1,0,1', false]);
  const ps = launch(dir, cache, ['ps']);
  assert.deepEqual([ps.file, ps.work], [join(dir, 'main.bundle.cjs'), '2,4,6']);
  // Each keeps its cache: writing one does not remove the other's as a stale build.
  const files = readdirSync(cache).sort();
  assert.equal(files.length, 2);
  assert.match(files[0]!, /^cli-[0-9a-f]{32}-ps\.v8$/);
  assert.match(files[1]!, /^cli-run-[0-9a-f]{32}-run\.v8$/);
  assert.equal(launch(dir, cache, ['run']).used, true);
  assert.equal(launch(dir, cache, ['ps']).used, true);
  // --version has no command word: the whole bundle.
  assert.equal(launch(dir, cache, ['--version']).file, join(dir, 'main.bundle.cjs'));
});

test('hold() keeps the cache directory open: save() writes through it after its path is gone', () => {
  // As the init: hold before pivot_root (here: the directory is renamed away), save later.
  const body = `const fs = require('node:fs');
const hook = globalThis[Symbol.for('myctr.codeCache')];
if (process.env.CACHE_DIR) { // the first start; the next one only reports
  hook.hold();
  fs.renameSync(process.env.CACHE_DIR, process.env.CACHE_DIR + '.moved');
  hook.save();
}
process.stdout.write(JSON.stringify({ used: hook.used, work: '', file: __filename, pre: false }));
process.exitCode = process.env.CACHE_DIR ? 1 : 0; // 1: no save at exit, only the one above`;
  const { dir, cache } = entry(body);
  const r = spawnSync(process.execPath, [join(dir, 'main.cjs'), 'init'], {
    env: { ...process.env, MYCTR_CODE_CACHE: cache, CACHE_DIR: cache }, encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(existsSync(cache), false, 'the path is gone');
  const files = readdirSync(`${cache}.moved`);
  assert.equal(files.length, 1, 'written through the held directory');
  assert.match(files[0]!, /^cli-[0-9a-f]{32}-init\.v8$/);
  // The next start, with the directory back in place, takes that cache.
  renameSync(`${cache}.moved`, cache);
  assert.equal(launch(dir, cache, ['init']).used, true);
});
