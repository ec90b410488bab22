// bootstrap debian:bookworm with mmdebstrap (downloads ~40 MB, ~30 s on a fast mirror): only with MYCTR_TEST_SLOW=1.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapDebian } from '../../client/image/bootstrap-debian.js';
import { ImageStore } from '../../client/image/store.js';
import { resolvePaths } from '../../client/paths.js';
import { findExecutable, probes, requireFeature } from '../support/probes.js';
import { testEnv } from '../support/tmp.js';

const rootless = process.geteuid?.() !== 0;

test('bootstrap debian:bookworm gives a minbase rootfs with bash and apt', { timeout: 600_000 }, async (t) => {
  if (process.env.MYCTR_TEST_SLOW !== '1') { t.skip('slow (downloads a Debian base system): set MYCTR_TEST_SLOW=1'); return; }
  if (!requireFeature(t, findExecutable('mmdebstrap') ? { ok: true } : { ok: false, reason: 'mmdebstrap: not found in PATH' })) return;
  if (rootless && !(requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange))) return;
  const env = testEnv({ cleanupOwner: { after } });
  const store = ImageStore.open(resolvePaths({ ...process.env, ...env.env }));
  const r = await bootstrapDebian(store, { distro: 'debian', suite: 'bookworm' });
  assert.deepEqual(r.image.names, ['localhost/debian:bookworm']);
  assert.deepEqual(r.image.config.Cmd, ['bash']);
  assert.ok(r.image.size > 50e6, `size ${r.image.size}`);
  const diff = store.layerDirs(store.resolve('debian:bookworm'))[0]!;
  assert.match(readFileSync(join(diff, 'etc/debian_version'), 'utf8'), /^12\./);
  assert.ok(existsSync(join(diff, 'usr/bin/bash')));
  assert.ok(existsSync(join(diff, 'usr/bin/apt-get')));
  assert.equal(lstatSync(join(diff, 'bin')).isSymbolicLink(), true, 'usrmerge /bin -> usr/bin kept as a symlink');
  assert.match(r.warning ?? '', /character device/);
});
