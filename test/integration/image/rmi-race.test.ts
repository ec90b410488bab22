// rmi racing run: `run` pins the image while it sets the container up (client/image/pins.ts), so each round
// ends in one of the clean outcomes — rmi refused (in use), run refused (image not found), or both fine
// because run had finished — and never in a container whose layers vanished under it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerArchive, makeConfig, makeLayer, writeArchive } from '../../support/image-archives.js';
import { BUSYBOX_PATH, probes, requireFeature } from '../../support/probes.js';
import { runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';

const rootless = process.geteuid?.() !== 0;
const env = testEnv({ cleanupOwner: { after } });
const work = makeTempDir('myctr-race-', { after });
const cli = (args: string[]) => runCli(args, { env: env.env });

test('rmi and run of the same image in parallel: never a container without its layers', async (t) => {
  if (rootless && !(requireFeature(t, probes.userns) && requireFeature(t, probes.subuidRange) && requireFeature(t, probes.newuidmap))) return;
  const layers = [
    makeLayer([{ path: 'bin/', type: 'dir' }, { path: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(BUSYBOX_PATH) },
      { path: 'bin/sh', type: 'symlink', linkpath: 'busybox' }]),
    makeLayer([{ path: 'etc/', type: 'dir' }, { path: 'etc/marker', type: 'file', data: 'race\n' }]),
  ];
  const archive = writeArchive(join(work, 'race.tar'), dockerArchive(layers, makeConfig(layers), ['race:1']));
  const outcomes = new Map<string, number>();
  for (let round = 0; round < 8; round++) {
    const load = await cli(['load', '-i', archive]);
    assert.equal(load.code, 0, load.stderr);
    // Staggered so that rmi lands at different points of the run's set-up.
    const [run, rmi] = await Promise.all([
      cli(['run', '--rm', '--network', 'none', 'race:1', '/bin/sh', '-c', 'read x < /etc/marker && echo "$x"']),
      new Promise((r) => setTimeout(r, round * 40)).then(() => cli(['rmi', 'race:1'])),
    ]);
    if (run.code === 0) {
      assert.equal(run.stdout, 'race\n', 'the container saw its layers');
    } else {
      assert.equal(run.code, 125, `run failed other than cleanly: ${run.stderr}`);
      assert.match(run.stderr, /image `race:1` not found/);
      assert.equal(rmi.code, 0, 'run refused only because rmi removed the image');
    }
    if (rmi.code !== 0) {
      assert.equal(rmi.code, 125, rmi.stderr);
      assert.match(rmi.stderr, /in use by a `myctr run`\/`create`|used by 1 container/);
      const again = await cli(['rmi', 'race:1']);
      assert.equal(again.code, 0, again.stderr);
    }
    const key = `run=${run.code} rmi=${rmi.code}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    const ps = await cli(['ps', '-a', '-q']);
    assert.equal(ps.stdout.trim(), '', 'no container is left behind');
    const left = readdirSync(join(env.root, 'storage', 'layers')).filter((f) => !f.startsWith('.'));
    assert.deepEqual(left, [], 'every layer is freed once the image is gone');
  }
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
});
