// The single-mapping fallback: a user without /etc/subuid ranges still runs containers, with only
// container uid 0 mapped and one warning that says how to add a range. Needs root to act as that user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { onlyAs, probes, requireFeature, TEST_USERS } from '../../support/probes.js';
import { runCli } from '../../support/spawn-cli.js';
import { lookupUser } from '../../support/subid.js';
import { testEnv, type TestEnv } from '../../support/tmp.js';

describe('myctr run without a subordinate id range', () => {
  let env: TestEnv | undefined;
  after(async () => { await env?.cleanup(); });
  before(() => undefined);

  test('maps only uid 0 and warns once with a hint', async (t) => {
    if (!onlyAs(t, 'root') || !requireFeature(t, probes.noSubidsUser)) return;
    const user = lookupUser(TEST_USERS.noSubids)!;
    env = testEnv({ owner: { uid: user.uid, gid: user.gid } });
    const opts = { env: env.env, user };
    const boot = await runCli(['bootstrap', 'busybox'], opts);
    assert.equal(boot.code, 0, boot.stderr);
    const r = await runCli(['run', '--rm', 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; id -u; touch /tmp/x && echo wrote'], opts);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines[0]!.trim().split(/\s+/).map(Number), [0, user.uid, 1]);
    assert.equal(lines[1], '0');
    assert.equal(lines[2], 'wrote');
    const warnings = r.stderr.split('\n').filter((l) => /warning/.test(l));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(warnings[0]!, /no subordinate id range.*usermod --add-subuids/);
  });
});
