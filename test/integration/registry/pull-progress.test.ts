// `myctr pull` on a terminal draws one progress row per layer and redraws them in place (cursor-up escapes);
// run under a real pty from util-linux `script` against the local docker-registry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { makeConfig, makeLayer, ociArchive, writeArchive } from '../../support/image-archives.js';
import { requireFeature } from '../../support/probes.js';
import { registryProbe, skopeoProbe, startRegistry, type TestRegistry } from '../../support/registry.js';
import { CLI_PATH, runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';

const work = makeTempDir('myctr-progress-', { after });
let reg: TestRegistry | undefined;
before(async () => { if (registryProbe.ok) reg = await startRegistry(work); });
after(async () => { await reg?.stop(); });

function onPty(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const cmd = [process.execPath, CLI_PATH, ...args].join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(timer); child.stdin.destroy(); resolve({ code, out }); }));
}

test('pull on a TTY shows a progress row per layer, redrawn in place', async (t) => {
  if (!requireFeature(t, registryProbe) || !requireFeature(t, skopeoProbe)) return;
  const layers = [0, 1, 2].map((i) => makeLayer([{ path: `f${i}`, type: 'file' as const, data: randomBytes(200_000).toString('base64') }], 'gzip'));
  const archive = writeArchive(join(work, 'three.tar'), ociArchive([{ layers, configJson: makeConfig(layers) }]));
  const cp = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${reg!.host}/t/three:1`], { encoding: 'utf8' });
  assert.equal(cp.status, 0, cp.stderr);
  const rows = layers.map((l) => l.digest.slice(7, 19));

  const env = testEnv({ cleanupOwner: { after } });
  const r = await onPty(['pull', `${reg!.host}/t/three:1`], env.env);
  assert.equal(r.code, 0, r.out);
  for (const row of rows) {
    assert.match(r.out, new RegExp(`\\r${row}: done\\x1b\\[K`), `a finished row for layer ${row}: ${JSON.stringify(r.out)}`);
  }
  assert.match(r.out, /\x1b\[\d+A/, 'rows are redrawn in place (cursor up)');
  const redraws = r.out.match(/\x1b\[\d+A/g)!.length;
  assert.ok(redraws >= rows.length, `redrawn as the layers progress (${redraws} redraws)`);

  // Off a terminal: one final line per layer, no escapes.
  const env2 = testEnv({ cleanupOwner: { after } });
  const p = await runCli(['pull', `${reg!.host}/t/three:1`], { env: env2.env });
  assert.equal(p.code, 0, p.stderr);
  for (const row of rows) assert.equal(p.stderr.split('\n').filter((l) => l === `${row}: done`).length, 1, p.stderr);
  assert.doesNotMatch(p.stderr, /\x1b\[/);
});
