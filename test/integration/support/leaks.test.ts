// Integration tests for test/support/leaks.ts against the real /proc: a leaked process, child, fd and
// (as root) mount must each be reported, and nothing once they are gone.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertNoLeaks, diffSnapshots, snapshot } from '../../support/leaks.js';
import { onlyAs } from '../../support/probes.js';
import { makeTempDir } from '../../support/tmp.js';

describe('leak checks', () => {
  it('report a marked process, a child and an fd until they are gone', async () => {
    const dir = makeTempDir('myctr-leak-test-', { after });
    const opts = { mountPrefix: dir, marker: dir };
    const before = await snapshot(opts);
    assert.deepEqual(diffSnapshots(before, await snapshot(opts)), [], 'two snapshots in a row differ');

    const child = spawn('sh', ['-c', 'sleep 30', dir], { stdio: 'ignore' });
    const fd = openSync(dir, 'r');
    const leaks = diffSnapshots(before, await snapshot(opts));
    assert.ok(leaks.some((l) => l.startsWith(`process ${child.pid}: sh -c sleep 30 ${dir}`)), leaks.join('\n'));
    assert.ok(leaks.some((l) => l.startsWith(`child ${child.pid}:`)), leaks.join('\n'));
    assert.ok(leaks.includes(`fd ${fd} -> ${dir}`), leaks.join('\n'));
    await assert.rejects(assertNoLeaks(before, { ...opts, settleMs: 100 }), /leaked after test/);

    child.kill('SIGKILL');
    await once(child, 'close');
    closeSync(fd);
    await assertNoLeaks(before, opts);
  });

  it('reports a mount under the prefix (root: mounts on the host)', async (t) => {
    if (!onlyAs(t, 'root')) return;
    const dir = makeTempDir('myctr-leak-mount-', { after });
    const target = join(dir, 'm');
    mkdirSync(target);
    const opts = { mountPrefix: dir, marker: dir };
    const before = await snapshot(opts);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', 'myctr-leak-test', target], { encoding: 'utf8' });
    assert.equal(mounted.status, 0, mounted.stderr);
    try {
      const leaks = diffSnapshots(before, await snapshot(opts));
      assert.equal(leaks.length, 1, leaks.join('\n'));
      assert.match(leaks[0] ?? '', new RegExp(`^mount [0-9]+ ${target} \\(tmpfs\\)$`));
    } finally {
      spawnSync('umount', [target]);
    }
    await assertNoLeaks(before, opts);
  });
});
