// The first file Node runs for `myctr` and for the container init (scripts/bundle.ts copies it beside each
// bundle as `<entry>.cjs`). It compiles the CommonJS bundle beside it, `<entry>.bundle.cjs`, with a V8 code
// cache, so that a start skips most of the parsing and compiling that would otherwise run on every start.
//
// Why CommonJS and a hand-made cache: Node 20 has no code cache for ES modules (module.enableCompileCache is
// Node ≥ 22.1) and its ES module loader costs ~8 ms per start; `vm.Script` with `cachedData` is the one
// stable API. V8 accepts a cache only for its own version and flags and checks the source's length, not its
// content, so the cache file is named after the bundle's content hash, which the build writes as the
// bundle's last line.
//
// The cache is per user (root: /var/cache/myctr/code; others: $XDG_CACHE_HOME/myctr/code) and per variant:
// the first command word (`run`, `ps`…), because a cache holds the functions compiled by the run that made
// it, and `--version` compiles almost nothing that `run` needs. It is written once, when missing or refused,
// by a process that exits with 0 (a typo makes no file), atomically (temporary file and rename); any failure
// to read or write it only costs speed. A directory that others can write, or that another user owns, is not
// used. MYCTR_CODE_CACHE names another directory, or turns it off with `off`.
// The CLI passes its directory on to the init in MYCTR_CODE_CACHE, as the init runs with a clean environment.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import nodeModule = require('node:module');

/** The bundle's last line: `//# myctr-bundle <sha256 of everything before it>`. */
const KEY_LINE = /\n\/\/# myctr-bundle ([0-9a-f]{64})\n?$/;
/** Set on globalThis for the bundle: `save()` writes the cache now (the init, which never exits, calls it). */
const HOOK = Symbol.for('myctr.codeCache');

interface CodeCacheHook {
  /** Whether V8 took the cache that was read. */
  readonly used: boolean;
  save(): void;
  /**
   * For a process about to lose sight of the cache directory (the init's pivot_root) that will compile more
   * before it can save: keeps the directory open, so that save() writes through it (`/proc/self/fd/N`) later,
   * by the same user. Where it cannot, it saves now.
   */
  hold(): void;
}

function cacheDir(): string | undefined {
  const set = process.env.MYCTR_CODE_CACHE;
  if (set === 'off') return undefined;
  if (set) return set;
  if (process.geteuid?.() === 0) return '/var/cache/myctr/code';
  const base = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : undefined);
  return base ? path.join(base, 'myctr', 'code') : undefined;
}

/**
 * A cache file is code this process will run, so the directory must be this user's own and writable by no
 * one else (a root `myctr` pointed at a shared directory would otherwise run what another user wrote there).
 * A directory that does not exist yet is fine: writeCache creates it with mode 0700.
 */
function isPrivateDir(dir: string): boolean {
  try {
    const st = fs.statSync(dir);
    return st.isDirectory() && st.uid === process.geteuid?.() && (st.mode & 0o022) === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * The command word (`run`), or `main` for an entry without one; never a path. A rougher rule than the CLI's
 * commandNameOf (this file cannot import the ES modules): after `--log-level debug` the variant is `debug`,
 * which only makes one more cache file.
 */
function variant(): string {
  const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
  return word && /^[a-z][a-z-]{0,23}$/.test(word) ? word : 'main';
}

function readCache(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try { return fs.readFileSync(file); } catch { return undefined; }
}

/**
 * Writes the cache atomically, then deletes the caches of other builds of the same bundle (same label, another
 * key), so that upgrades do not pile them up.
 */
function writeCache(file: string, script: vm.Script, label: string, key: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(tmp, file);
    // `<label>-<32 hex>-…` only: `cli-run-…` (the run bundle's) is not a build of `cli`.
    const ours = new RegExp(`^${label}-[0-9a-f]{32}-`);
    for (const name of fs.readdirSync(path.dirname(file))) {
      if (ours.test(name) && !name.startsWith(`${label}-${key}-`)) fs.rmSync(path.join(path.dirname(file), name), { force: true });
    }
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* never written */ }
  }
}

function launch(): void {
  const found = cacheDir();
  const dir = found && isPrivateDir(found) ? found : undefined;
  process.env.MYCTR_CODE_CACHE = dir ?? 'off';
  // `<entry>.pre.cjs`, where the build made one, is work that should not wait for the bundle's compilation:
  // the CLI's starts a run's container init (client/cli/early-main.ts). Its `settled` promise, if any, says
  // when that work no longer needs the event loop, which compiling would block.
  // Not when the `myctr` command started that init already (MYCTR_EARLY_STAGE0, client/launch/myctr.sh): then
  // nothing waits on this process's event loop, and the bundle adopts it (~10 ms sooner than a pre-bundle would).
  const pre = __filename.replace(/\.cjs$/, '.pre.cjs');
  const settled = process.env.MYCTR_EARLY_STAGE0 === undefined && fs.existsSync(pre)
    ? (require(pre) as { settled?: Promise<unknown> }).settled : undefined;
  if (settled) void settled.then(() => start(dir), () => start(dir));
  else start(dir);
}

/**
 * `<entry>.<command word>.bundle.cjs` where the build made one for the command being run (the CLI's for `run`,
 * client/cli/run-main.ts: that command alone), else `<entry>.bundle.cjs`.
 */
function bundleFile(): { bundle: string; only?: string } {
  const word = variant();
  const only = __filename.replace(/\.cjs$/, `.${word}.bundle.cjs`);
  if (word !== 'main' && fs.existsSync(only)) return { bundle: only, only: word };
  return { bundle: __filename.replace(/\.cjs$/, '.bundle.cjs') };
}

function start(dir: string | undefined): void {
  const { bundle, only } = bundleFile();
  // esbuild writes ASCII only (non-ASCII characters are escaped), so latin1 makes the same string, faster.
  const source = fs.readFileSync(bundle, 'latin1');
  const key = KEY_LINE.exec(source)?.[1];
  // e.g. cli-<key>-run.v8: the bundle's directory names it (client/cli, client/runtime/init), and a
  // one-command bundle its command (cli-run-<key>-run.v8).
  const label = path.basename(path.dirname(bundle)) + (only ? `-${only}` : '');
  const shortKey = key?.slice(0, 32);
  const file = shortKey && dir ? path.join(dir, `${label}-${shortKey}-${variant()}.v8`) : undefined;
  const cached = readCache(file);
  // The same wrapper as Node's CommonJS loader, so the bundle sees the usual module scope.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
  });
  const used = cached !== undefined && !script.cachedDataRejected;
  let saved = used || !file;
  let held: { fd: number; euid: number | undefined } | undefined;
  const hook: CodeCacheHook = {
    used,
    save() {
      if (saved) return;
      saved = true;
      if (!held) return writeCache(file!, script, label, shortKey!);
      // Another user now (the init switched to the container's) could not write there.
      if (process.geteuid?.() === held.euid) writeCache(path.join(`/proc/self/fd/${held.fd}`, path.basename(file!)), script, label, shortKey!);
      try { fs.closeSync(held.fd); } catch { /* closed */ }
      held = undefined;
    },
    hold() {
      if (saved || held) return;
      try {
        fs.mkdirSync(path.dirname(file!), { recursive: true, mode: 0o700 });
        held = { fd: fs.openSync(path.dirname(file!), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY), euid: process.geteuid?.() };
      } catch {
        hook.save();
      }
    },
  };
  (globalThis as Record<symbol, unknown>)[HOOK] = hook;
  process.once('exit', (code) => { if (code === 0) hook.save(); });
  const mod = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, nodeModule.createRequire(bundle), mod, bundle, path.dirname(bundle));
}

launch();
