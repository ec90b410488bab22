// Feature probes for tests: each runs the real operation once per process (lazily, cached) and, when it
// fails, keeps the kernel's or tool's own words as the reason. Tests skip only through requireFeature().
// Never guess from uname or distro names (STYLE §3.9).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { readElfLinkage } from './elf.js';
import { lookupUser, readRanges } from './subid.js';

export type Probe = { ok: true } | { ok: false; reason: string };

/** The statically linked busybox that fixture rootfses copy in (Debian package busybox-static). */
export const BUSYBOX_PATH = '/bin/busybox';

/** Users created by `scripts/setup.sh test` (docs/TESTING.md). */
export const TEST_USERS = { rootless: 'myctr-test', noSubids: 'myctr-nosub' } as const;

const OK: Probe = { ok: true };
const fail = (reason: string): Probe => ({ ok: false, reason });

/** Finds an executable in $PATH, then in the sbin dirs a non-root PATH often lacks. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a command (10 s cap) and turns a failure into a reason quoting its stderr. */
function probeCommand(cmd: string, args: readonly string[], hint?: () => string | undefined): Probe {
  const res = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const shown = [cmd, ...args].join(' ');
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `${cmd}: not found in PATH` : `${shown}: ${res.error.message}`);
  }
  if (res.status === 0) return OK;
  const why = res.stderr.trim().split('\n').slice(-3).join(' / ') || `exit status ${String(res.status ?? res.signal)}`;
  const extra = hint?.();
  return fail(`${shown}: ${why}${extra ? ` (${extra})` : ''}`);
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Names the sysctls that commonly block unprivileged user namespaces, if they are set to block. */
function usernsHint(): string | undefined {
  const hints: string[] = [];
  if (readSysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1')
    hints.push('kernel.apparmor_restrict_unprivileged_userns=1');
  if (readSysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0') hints.push('kernel.unprivileged_userns_clone=0');
  if (readSysctl('/proc/sys/user/max_user_namespaces') === '0') hints.push('user.max_user_namespaces=0');
  return hints.length ? hints.join(', ') : undefined;
}

function currentUser(): { name: string; uid: number } {
  return { name: userInfo().username, uid: process.geteuid?.() ?? -1 };
}

function probeIdMapper(name: 'newuidmap' | 'newgidmap', cap: 'cap_setuid' | 'cap_setgid'): Probe {
  const path = findExecutable(name);
  if (!path) return fail(`${name}: not found (install the uidmap package)`);
  const st = statSync(path);
  if (st.uid === 0 && (st.mode & 0o4000) !== 0) return OK;
  const getcap = findExecutable('getcap');
  if (!getcap) return fail(`${path} is not setuid root and getcap(8) is missing to check its file capabilities`);
  const res = spawnSync(getcap, [path], { encoding: 'utf8', timeout: 10_000 });
  if (res.status === 0 && res.stdout.includes(cap)) return OK;
  return fail(`${path} is neither setuid root nor has ${cap} (getcap: ${res.stdout.trim() || 'none'})`);
}

function probeNewuidmap(): Probe {
  const uid = probeIdMapper('newuidmap', 'cap_setuid');
  return uid.ok ? probeIdMapper('newgidmap', 'cap_setgid') : uid;
}

function probeSubuidRange(): Probe {
  const me = currentUser();
  for (const kind of ['uid', 'gid'] as const) {
    if (readRanges(kind, me).length === 0) return fail(`no /etc/sub${kind} range for ${me.name} (uid ${me.uid})`);
  }
  return OK;
}

function probeOverlayInUserns(): Probe {
  const base = mkdtempSync(join(tmpdir(), 'myctr-probe-ovl-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(base, d));
    const opts = `lowerdir=${base}/lower,upperdir=${base}/upper,workdir=${base}/work`;
    const errors: string[] = [];
    for (const extra of [',userxattr', '']) {
      const p = probeCommand('unshare', [
        '--user', '--map-root-user', '--mount', 'mount', '-t', 'overlay', 'overlay', '-o', opts + extra, `${base}/merged`,
      ]);
      if (p.ok) return OK;
      errors.push(p.reason);
    }
    return fail(`overlay in a user namespace on ${tmpdir()}: ${errors.join('; ')}`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

function probeBusyboxStatic(): Probe {
  let linkage;
  try {
    linkage = readElfLinkage(BUSYBOX_PATH);
  } catch (err) {
    return fail(`${BUSYBOX_PATH}: ${(err as Error).message} (install busybox-static)`);
  }
  if (!linkage.ok) return fail(`${BUSYBOX_PATH}: ${linkage.reason}`);
  return linkage.static ? OK : fail(`${BUSYBOX_PATH} is dynamically linked (install busybox-static)`);
}

function probeIsRoot(): Probe {
  const euid = process.geteuid?.();
  return euid === 0 ? OK : fail(`not running as root (euid ${String(euid)})`);
}

function probeDevNetTun(): Probe {
  try {
    closeSync(openSync('/dev/net/tun', constants.O_RDWR));
    return OK;
  } catch (err) {
    return fail(`open /dev/net/tun: ${(err as NodeJS.ErrnoException).code ?? String(err)} (scripts/setup.sh makes it mode 0666)`);
  }
}

function probeFuseOverlayfs(): Probe {
  const bin = probeCommand('fuse-overlayfs', ['--version']);
  if (!bin.ok) return bin;
  try {
    closeSync(openSync('/dev/fuse', constants.O_RDWR));
    return OK;
  } catch (err) {
    return fail(`open /dev/fuse: ${(err as NodeJS.ErrnoException).code ?? String(err)} (scripts/setup.sh makes it mode 0666)`);
  }
}

function probeNoSubidsUser(): Probe {
  const name = TEST_USERS.noSubids;
  const user = lookupUser(name);
  if (!user) return fail(`user ${name} does not exist (created by scripts/setup.sh test)`);
  for (const kind of ['uid', 'gid'] as const) {
    if (readRanges(kind, user).length > 0) return fail(`user ${name} has an /etc/sub${kind} range`);
  }
  return OK;
}

const compute = {
  /** Unprivileged (or root) user namespace with a mount namespace inside. */
  userns: () => probeCommand('unshare', ['--user', '--map-root-user', '--mount', 'true'], usernsHint),
  /** newuidmap and newgidmap present and privileged (setuid root or file caps). */
  newuidmap: probeNewuidmap,
  /** The current user has both an /etc/subuid and an /etc/subgid range. */
  subuidRange: probeSubuidRange,
  /** overlayfs mountable inside a user namespace, on os.tmpdir(), with or without `userxattr`. */
  overlayInUserns: probeOverlayInUserns,
  /** /bin/busybox exists and has no PT_INTERP. */
  busyboxStatic: probeBusyboxStatic,
  isRoot: probeIsRoot,
  /** /dev/net/tun can be opened read-write by this user (slirp4netns and pasta need it). */
  devNetTun: probeDevNetTun,
  /** fuse-overlayfs is installed and /dev/fuse can be opened read-write by this user. */
  fuseOverlayfs: probeFuseOverlayfs,
  slirp4netns: () => probeCommand('slirp4netns', ['--version']),
  pasta: () => probeCommand('pasta', ['--version']),
  podman: () => probeCommand('podman', ['--version']),
  /** Root, and the test user without subordinate ids exists (single-mapping fallback tests). */
  noSubidsUser: () => {
    const root = probeIsRoot();
    return root.ok ? probeNoSubidsUser() : root;
  },
} satisfies Record<string, () => Probe>;

export type ProbeName = keyof typeof compute;

const cache = new Map<ProbeName, Probe>();

/** Runs the named probe on first use and returns the cached result afterwards. */
export function getProbe(name: ProbeName): Probe {
  let result = cache.get(name);
  if (!result) {
    result = compute[name]();
    cache.set(name, result);
  }
  return result;
}

/** Lazily evaluated probes: `probes.userns` runs the probe on first access only. */
export const probes = {} as { readonly [K in ProbeName]: Probe };
for (const name of Object.keys(compute) as ProbeName[]) {
  Object.defineProperty(probes, name, { enumerable: true, get: () => getProbe(name) });
}

/** The subset of node:test's TestContext that requireFeature and onlyAs need. */
export interface SkippableContext {
  skip(message?: string): void;
}

/** True if the feature is there. Otherwise skips the test with the probe's reason, or, with
 *  MYCTR_TEST_MUST_WORK=1 (CI), fails it: a CI machine that should have the feature must not skip. */
export function requireFeature(t: SkippableContext, probe: Probe): boolean {
  if (probe.ok) return true;
  if (process.env.MYCTR_TEST_MUST_WORK === '1') assert.fail(`required feature missing: ${probe.reason}`);
  t.skip(probe.reason);
  return false;
}

/** True if this run is the given kind. The suite runs once as root and once rootless (docs/TESTING.md), so
 *  a root-only test skips in the rootless run even under MYCTR_TEST_MUST_WORK: that is not a missing feature. */
export function onlyAs(t: DiagnosticContext, kind: 'root' | 'rootless'): boolean {
  const root = process.geteuid?.() === 0;
  if (root === (kind === 'root')) return true;
  // Not a skip: the same test runs and asserts in the other phase of the suite, so CI shows no SKIP for it.
  t.diagnostic(`${kind}-only checks; they run in the ${kind} phase, this is the ${root ? 'root' : 'rootless'} run`);
  return false;
}

/** The subset of node:test's TestContext that onlyAs needs. */
export interface DiagnosticContext {
  diagnostic(message: string): void;
}
