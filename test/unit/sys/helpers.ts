// Shared by the sys/ unit tests: the user-namespace probe and a runner for fixture scripts, which do the
// privileged or process-wide parts (mounts, caps, setsid, execve) in a child so the test runner is untouched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: fixtures run with it as cwd so `--import tsx` resolves. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export type Probe = { ok: true } | { ok: false; reason: string };

/** The namespaces the fixtures use; probing exactly these keeps the skip reason honest. */
const USERNS_FLAGS = ['--user', '--map-root-user', '--mount', '--uts'];

let usernsProbe: Probe | undefined;

/** Whether `unshare --user --map-root-user --mount --uts true` works here (run once per process). */
export function usernsAvailable(): Probe {
  if (usernsProbe) return usernsProbe;
  const r = spawnSync('unshare', [...USERNS_FLAGS, 'true'], { encoding: 'utf8', timeout: 10_000 });
  const why = r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`);
  usernsProbe = r.status === 0 ? { ok: true } : { ok: false, reason: `unshare ${USERNS_FLAGS.join(' ')} true: ${why}` };
  return usernsProbe;
}

/** Whether the runner is root (needed to change credentials without a user namespace). */
export function rootAvailable(): Probe {
  const euid = process.geteuid?.();
  return euid === 0 ? { ok: true } : { ok: false, reason: `needs euid 0, running as ${euid}` };
}

/**
 * True if `probe` passed. Otherwise skips the test with the probe's reason, or fails it when
 * MYCTR_TEST_MUST_WORK=1 and `mustWork` (CI machines that should have user namespaces must not skip).
 */
export function requireProbe(t: { skip(msg?: string): void }, probe: Probe, mustWork = true): boolean {
  if (probe.ok) return true;
  if (mustWork && process.env.MYCTR_TEST_MUST_WORK === '1') assert.fail(`required feature missing: ${probe.reason}`);
  t.skip(probe.reason);
  return false;
}

export interface FixtureRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The object the fixture printed on its `RESULT ` line, if any. */
  result: Record<string, unknown> | undefined;
}

/**
 * Runs test/unit/sys/fixtures/<name>.ts under node+tsx, inside `unshare --user --map-root-user --mount --uts`
 * when `userns`, after the `prefix` command if given, and parses its `RESULT {json}` stdout line.
 */
export function runFixture(
  name: string, args: readonly string[], opts: { userns: boolean; prefix?: readonly string[] },
): FixtureRun {
  const node = [process.execPath, '--import', 'tsx', `test/unit/sys/fixtures/${name}.ts`, ...args];
  const [cmd, ...argv] = [...(opts.prefix ?? []), ...(opts.userns ? ['unshare', ...USERNS_FLAGS] : []), ...node];
  const r = spawnSync(cmd!, argv, { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  const result = line ? (JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>) : undefined;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, result };
}

/** The fixture's result, failing the test with the child's stderr if there is none. */
export function resultOf(run: FixtureRun): Record<string, unknown> {
  assert.ok(run.result, `fixture printed no RESULT line (status ${run.status}, signal ${run.signal}):\n${run.stderr}`);
  return run.result;
}

/**
 * A command prefix that mounts a nosuid,nodev tmpfs on `target` in an outer user namespace, then runs the
 * rest: inside the fixture's own (inner) namespace those flags are locked.
 */
export function lockedTmpfsPrefix(target: string): string[] {
  const script = 'mount -t tmpfs -o nosuid,nodev,size=1m tmpfs "$0" && exec "$@"';
  return ['unshare', ...USERNS_FLAGS, 'sh', '-c', script, target];
}
