// /dev/net/tun unusable → one MYCTR_NETWORK error with a hint, exit 125, and nothing left behind (no helper
// process, no container record, no mounts). The device is hidden in a private mount namespace that only the
// CLI under test sees: a tmpfs over /dev/net (ENOENT, as root) or a mode-000 file bound over /dev/net/tun
// (EACCES, for the test user, whom setpriv switches to after the mount). Only root can set that up, so both
// cases run in the root run; the rootless run has no way to hide a device from itself without a user
// namespace, in which the CLI would see itself as root.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlyAs, probes, requireFeature, TEST_USERS, type Probe } from '../../support/probes.js';
import { CLI_PATH, runCli, type CliResult } from '../../support/spawn-cli.js';
import { assertNoLeaks, snapshot } from '../../support/leaks.js';
import { lookupUser, type PasswdUser } from '../../support/subid.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';
import { setupRunFixture, type RunFixture } from '../runtime/run-helpers.js';

/** Runs the CLI inside `unshare --mount` after `setup` (a shell line run as root in that namespace). */
function cliWithHiddenTun(setup: string, args: readonly string[], env: NodeJS.ProcessEnv, user?: PasswdUser): Promise<CliResult> {
  const asUser = user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'] : [];
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', `${setup} && exec "$@"`, 'sh',
    ...asUser, process.execPath, CLI_PATH, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function assertOneError(r: CliResult, code: RegExp, hint: RegExp): void {
  assert.equal(r.code, 125, r.stderr);
  const lines = r.stderr.trim().split('\n');
  const errors = lines.filter((l) => !l.startsWith('hint: '));
  assert.equal(errors.length, 1, `one error line expected:\n${r.stderr}`);
  assert.match(errors[0]!, code);
  assert.match(lines.find((l) => l.startsWith('hint: ')) ?? '', hint);
}

describe('/dev/net/tun not accessible', () => {
  let fx: RunFixture;
  before(async () => { fx = await setupRunFixture(); });
  after(async () => { await fx?.env.cleanup(); });

  test('root: tun device missing → one clear error, exit 125, nothing left', async (t: TestContext) => {
    if (!onlyAs(t, 'root') || !requireFeature(t, probes.userns) || !requireFeature(t, probes.slirp4netns)) return;
    const leakOpts = { mountPrefix: fx.env.root, marker: fx.env.runRoot };
    const before = await snapshot(leakOpts);
    const ids = fx.containerIds().length;
    const hide = 'mount -t tmpfs -o size=4k myctr-test /dev/net';
    const r = await cliWithHiddenTun(hide, ['run', '--rm', '--network', 'slirp4netns', 'busybox', 'true'], fx.env.env);
    assertOneError(r, /cannot open `\/dev\/net\/tun`: ENOENT/, /modprobe tun/);
    assert.equal(fx.containerIds().length, ids, 'the failed run left a container record');
    await assertNoLeaks(before, leakOpts);
    // `myctr info` in the same situation says why user-mode networking is unavailable.
    const info = await cliWithHiddenTun(hide, ['info'], fx.env.env);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /\/dev\/net\/tun: not accessible \(ENOENT\)/);
    assert.match(info.stdout, /slirp4netns: unavailable .*\/dev\/net\/tun: ENOENT/);
  });

  test('test user: tun device not accessible → one clear error, exit 125, nothing left', async (t: TestContext) => {
    if (!onlyAs(t, 'root') || !requireFeature(t, probes.userns) || !requireFeature(t, probes.slirp4netns)) return;
    const user = lookupUser(TEST_USERS.rootless);
    const userProbe: Probe = user ? { ok: true } : { ok: false, reason: `no user ${TEST_USERS.rootless} (scripts/setup.sh test creates it)` };
    if (!requireFeature(t, userProbe) || !user) return;
    const store = testEnv({ owner: user, cleanupOwner: t });
    const env = { ...store.env, HOME: user.home, USER: user.name, XDG_RUNTIME_DIR: `/run/user/${user.uid}` };
    const boot = await runCli(['bootstrap', 'busybox'], { env: store.env, user });
    assert.equal(boot.code, 0, boot.stderr);
    const dir = makeTempDir('myctr-tun-', t);
    const blocked = join(dir, 'tun');
    writeFileSync(blocked, '');
    chmodSync(blocked, 0o000);
    chownSync(blocked, 0, 0);
    const leakOpts = { mountPrefix: store.root, marker: store.runRoot };
    const before = await snapshot(leakOpts);
    // The default network: slirp4netns on Debian 12, pasta with a newer passt; both need the device.
    const r = await cliWithHiddenTun(`mount --bind ${blocked} /dev/net/tun`, ['run', '--rm', 'busybox', 'true'], env, user);
    assertOneError(r, /cannot open `\/dev\/net\/tun`: EACCES/, /chmod 0666 \/dev\/net\/tun/);
    const ids = (() => { try { return readdirSync(join(store.root, 'containers')).filter((d) => /^[0-9a-f]{64}$/.test(d)); } catch { return []; } })();
    assert.deepEqual(ids, [], 'the failed run left a container record');
    await assertNoLeaks(before, leakOpts);
  });
});
