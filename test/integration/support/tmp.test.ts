// Integration tests for test/support/tmp.ts: testEnv layout and removal of trees that contain files owned
// by subordinate ids (the rootless case rmInUserns exists for).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { onlyAs, probes, requireFeature } from '../../support/probes.js';
import { makeTempDir, removeTree, testEnv } from '../../support/tmp.js';

describe('testEnv', () => {
  it('creates private root and run dirs, exposes them as env, and cleans up twice without error', async () => {
    const env = testEnv();
    assert.deepEqual(env.env, { MYCTR_ROOT: env.root, MYCTR_RUNROOT: env.runRoot });
    for (const d of [env.root, env.runRoot]) {
      const st = statSync(d);
      assert.ok(st.isDirectory());
      assert.equal(st.mode & 0o777, 0o700, d);
      assert.equal(st.uid, process.geteuid?.());
    }
    await env.cleanup();
    assert.equal(existsSync(env.root), false);
    await env.cleanup();
  });
});

describe('removeTree', () => {
  it('removes files owned by subordinate ids that plain fs.rm cannot (rootless)', async (t) => {
    if (!onlyAs(t, 'rootless')) return;
    if (!requireFeature(t, probes.userns) || !requireFeature(t, probes.newuidmap)) return;
    if (!requireFeature(t, probes.subuidRange)) return;
    const base = makeTempDir('myctr-rm-test-', { after });
    chmodSync(base, 0o711); // the namespace's root (a subordinate uid) must traverse it
    const shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    // --map-auto maps root in the namespace to the first subordinate uid: everything made there belongs
    // to ids the caller does not own.
    const made = spawnSync(
      'unshare',
      ['--user', '--map-auto', '--setuid', '0', '--setgid', '0', 'sh', '-c',
        'mkdir -p "$0/owned/deep" && touch "$0/owned/deep/f" && chmod 0700 "$0/owned" "$0/owned/deep"', shared],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    assert.notEqual(statSync(join(shared, 'owned')).uid, process.geteuid?.(), 'fixture is not subuid-owned');
    await assert.rejects(rm(base, { recursive: true, force: true }), { code: 'EACCES' });

    await removeTree(base);
    assert.equal(existsSync(base), false);
  });
});
