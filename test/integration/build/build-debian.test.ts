// A build whose RUN installs a Debian package through the network (apt-get in a container of this engine,
// --network host, apt dropping to its _apt user through the id mapping). Slow (bootstraps debian:bookworm
// with mmdebstrap and downloads packages): only with MYCTR_TEST_SLOW=1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findExecutable, probes, requireFeature } from '../../support/probes.js';
import { imageIdOf, setupBuildFixture, type BuildFixture } from './build-helpers.js';

const rootless = process.geteuid?.() !== 0;
let fx: BuildFixture | undefined;

before(async () => { if (process.env.MYCTR_TEST_SLOW === '1') fx = await setupBuildFixture(); });
after(async () => { await fx?.cleanup(); });

test('RUN apt-get install hello on debian:bookworm', { timeout: 900_000 }, async (t) => {
  if (process.env.MYCTR_TEST_SLOW !== '1') { t.skip('slow (bootstraps Debian, downloads packages): set MYCTR_TEST_SLOW=1'); return; }
  if (!requireFeature(t, findExecutable('mmdebstrap') ? { ok: true } : { ok: false, reason: 'mmdebstrap: not found in PATH' })) return;
  if (rootless && !(requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange))) return;
  const boot = await fx!.cli(['bootstrap', 'debian:bookworm'], { timeoutMs: 600_000 });
  assert.equal(boot.code, 0, boot.stderr);
  const dir = fx!.context({
    Containerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*\nCMD ["hello"]\n',
  });
  const r = await fx!.build(dir, ['-t', 'hello'], { timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Setting up hello/);
  assert.deepEqual(fx!.image(imageIdOf(r)).config.Cmd, ['hello']);
  const run = await fx!.run(['hello']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'Hello, world!\n');
});
