// pause/unpause: cgroup v2's cgroup.freeze (root, also on this hybrid host's controller-less v2 mount) and the v1
// freezer (root, forced with MYCTR_TEST_FREEZER=v1); rootless without a delegated v2 subtree: a clear error.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroup2Mount } from '../../../../client/runtime/supervisor/freezer.js';
import { onlyAs } from '../../../support/probes.js';
import { setupLifecycleFixture, type LifecycleFixture } from './helpers.js';

let fx: LifecycleFixture;

const KINDS = {
  v2: { env: { MYCTR_TEST_FREEZER: 'v2' }, base: () => join(cgroup2Mount() ?? '/nonexistent', 'myctr'),
    frozen: (dir: string) => readFileSync(join(dir, 'cgroup.events'), 'utf8').includes('frozen 1\n') },
  v1: { env: { MYCTR_TEST_FREEZER: 'v1' }, base: () => '/sys/fs/cgroup/freezer/myctr',
    frozen: (dir: string) => readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === 'FROZEN' },
} as const;

describe('pause', () => {
  before(async () => { fx = await setupLifecycleFixture(); });
  after(async () => { await fx?.env.cleanup(); });
  beforeEach(async () => { await fx.removeAll(); });

  for (const [kind, k] of Object.entries(KINDS)) {
    test(`pause (${kind} freezer) freezes every process; ps/inspect show it; stop of a paused container works; rm removes the cgroup`, async (t) => {
      if (!onlyAs(t, 'root')) return;
      const before = await fx.snapshot();
      const cli = (args: string[]) => fx.cli(args, { env: k.env });
      const n = fx.unique();
      assert.equal((await cli(['run', '-d', '--name', 'pz', 'busybox', 'sh', '-c', `sleep ${n} & exec sleep ${n + 1}`])).code, 0);
      await fx.until('both sleeps run', () => fx.pidsWith(`sleep ${n}`).length === 1 && fx.pidsWith(`sleep ${n + 1}`).length === 1);
      const p = await cli(['pause', 'pz']);
      assert.equal(p.code, 0, p.stderr);
      const dir = join(k.base(), fx.containerIds()[0]!);
      assert.ok(k.frozen(dir), `${dir} is frozen`);
      const frozen = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number).sort();
      assert.deepEqual(frozen, [...fx.pidsWith(`sleep ${n}`), ...fx.pidsWith(`sleep ${n + 1}`)].sort(), 'PID 1 and its child');
      for (const pid of frozen) assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^State:\s+[SD]/m);
      assert.match((await cli(['ps'])).stdout, /Up .* \(Paused\)/);
      assert.equal((await cli(['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'pz'])).stdout, 'paused true\n');
      const again = await cli(['pause', 'pz']);
      assert.equal(again.code, 125);
      assert.match(again.stderr, /is already paused/);
      assert.equal((await cli(['unpause', 'pz'])).code, 0);
      assert.ok(!k.frozen(dir));
      assert.doesNotMatch((await cli(['ps'])).stdout, /Paused/);
      assert.equal((await cli(['pause', 'pz'])).code, 0);
      assert.equal((await cli(['stop', '-t', '1', 'pz'])).code, 0, 'stop thaws first');
      assert.deepEqual(fx.pidsWith(`sleep ${n + 1}`), []);
      assert.equal((await cli(['rm', 'pz'])).code, 0);
      assert.ok(!existsSync(dir), 'the freezer cgroup is removed with the container');
      await fx.cleanAndCheck(before);
    });
  }

  test('rootless pause: with a delegated cgroup v2 subtree it freezes, without one it is one clear line, exit 125, a hint', async (t) => {
    if (!onlyAs(t, 'rootless')) return;
    const before = await fx.snapshot();
    assert.equal((await fx.cli(['run', '-d', '--name', 'pz', 'busybox', 'sleep', '300'])).code, 0);
    const p = await fx.cli(['pause', 'pz']);
    // The container runs in the cgroup of the supervisor, which runs in ours.
    const own = /^0::(\/.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
    let delegated = false;
    try { accessSync(join(cgroup2Mount() ?? '/nonexistent', own ?? '/nonexistent', 'cgroup.procs'), constants.W_OK); delegated = true; } catch { /* not ours */ }
    if (delegated) {
      assert.equal(p.code, 0, p.stderr);
      assert.match((await fx.cli(['ps'])).stdout, /\(Paused\)/);
      assert.equal((await fx.cli(['unpause', 'pz'])).code, 0);
      await fx.cleanAndCheck(before);
      return;
    }
    assert.equal(p.code, 125);
    assert.match(p.stderr, /^myctr: pause needs a freezer cgroup, and none is writable here \(.*\)\nhint: rootless pause needs a cgroup v2 subtree delegated to you .*, or root\n$/);
    assert.match((await fx.cli(['ps'])).stdout, /Up .*pz\n/);
    assert.doesNotMatch((await fx.cli(['ps'])).stdout, /Paused/);
    await fx.cleanAndCheck(before);
  });
});
