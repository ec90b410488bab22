// Section `build`: a small multi-stage Containerfile (WORKDIR, COPY, RUN in a builder stage, COPY --from and
// a COPY of a config file in the final one) built three ways — cold (--no-cache), fully cached, and after a
// change to the one file the last COPY copies — by myctr beside `podman build` on the same busybox rootfs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { myctrFixture } from '../myctr.js';
import { PODMAN_IMAGE, podmanFixture } from '../peers.js';
import { busyboxRootfs } from '../rootfs.js';
import { measureRows, memoryNotes, type Candidate } from '../rows.js';
import type { Goal, Section } from '../section.js';
import { exec, errorLine, which } from '../tools.js';

const TITLE = 'build a 2-stage Containerfile (3 COPY, 1 RUN): cold, fully cached, after changing one copied file';

const CONTAINERFILE = `ARG BASE
FROM $BASE AS builder
WORKDIR /src
COPY main.txt lib.txt ./
RUN cat main.txt lib.txt > app && echo built >> app
FROM $BASE
COPY --from=builder /src/app /app
COPY config.txt /etc/app.conf
CMD ["cat", "/app"]
`;

function readFileOr(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

const unavailable = (reason: string): Candidate['cmd'] => ({ status: 'unavailable', reason });

/** Context dir per tool (the changed-file rows write into it). */
function context(ctx: BenchContext, tool: string): string {
  const dir = join(ctx.tmp, `build-ctx-${tool}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Containerfile'), CONTAINERFILE);
  writeFileSync(join(dir, 'main.txt'), 'main\n');
  writeFileSync(join(dir, 'lib.txt'), 'lib\n'.repeat(1000));
  writeFileSync(join(dir, 'config.txt'), 'config\n');
  return dir;
}

/** `sh -c` that rewrites config.txt with a new value, then runs the build: a one-file change every run. */
function afterChange(dir: string, argv: readonly string[], env?: NodeJS.ProcessEnv): Candidate['cmd'] {
  return { argv: ['sh', '-c', `date +%s%N > ${join(dir, 'config.txt')}; exec "$@" >/dev/null`, 'sh', ...argv], ...(env ? { env } : {}) };
}

type PodmanBuildBase = { ok: true; base: string[]; image: string } | { ok: false; status: 'not installed' | 'unavailable'; reason: string };

/**
 * Podman for builds: the shared fixture when it works; else (its probe is a `podman run`, which crun refuses
 * rootless on hybrid-cgroup hosts) a store of our own with the same rootfs imported, since a chroot-isolated
 * build needs no OCI runtime.
 */
async function podmanForBuild(ctx: BenchContext): Promise<PodmanBuildBase> {
  const p = await podmanFixture(ctx);
  if (p.ok) return { ok: true, base: [...p.setup.base], image: PODMAN_IMAGE };
  const podman = which('podman');
  if (!podman) return { ok: false, status: 'not installed', reason: 'podman is not on PATH' };
  const dir = join(ctx.tmp, 'podman-build');
  const base = [podman, '--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--tmpdir', join(dir, 'tmp')];
  ctx.onCleanup('podman build storage', async () => {
    // Rootless, the store holds subordinate-owned files: remove them from podman's user namespace.
    if (ctx.host.mode === 'rootless') {
      await exec([...base, 'unshare', 'rm', '-rf', join(dir, 'root'), join(dir, 'runroot')]);
      // The pause process (catatonit -P) that holds that user namespace was started for this store.
      const pause = Number.parseInt(readFileOr(join(dir, 'tmp', 'pause.pid')), 10);
      if (pause > 1) try { process.kill(pause, 'SIGKILL'); } catch { /* gone already */ }
    } else {
      await exec([...base, 'system', 'reset', '-f']);
    }
  });
  const rootfs = await busyboxRootfs(ctx);
  const imported = await exec([...base, 'import', rootfs.tar, PODMAN_IMAGE]);
  if (imported.code !== 0) return { ok: false, status: 'unavailable', reason: `podman import: ${errorLine(imported.stderr)}` };
  return { ok: true, base, image: PODMAN_IMAGE };
}

export const section: Section = {
  name: 'build', order: 50, title: TITLE,
  async run(ctx) {
    const notes: string[] = [];
    const rows: Candidate[] = [];
    const m = await myctrFixture(ctx);
    if (m.ok) {
      const dir = context(ctx, 'myctr');
      const build = [...m.setup.cli, 'build', '-q', '--build-arg', `BASE=${m.setup.image}`, '-t', 'bench-build', dir];
      // Seed the cache once so that the cached rows measure a rebuild, not the first build.
      const seed = await exec(build, { env: m.setup.env });
      const bad = seed.code !== 0 ? unavailable(`myctr build: ${errorLine(seed.stderr)}`) : undefined;
      rows.push({ id: 'myctr-cold', label: 'myctr build --no-cache', cmd: bad ?? { argv: [...build.slice(0, 3), '--no-cache', ...build.slice(3)], env: m.setup.env } });
      rows.push({ id: 'myctr-cached', label: 'myctr build (all cached)', cmd: bad ?? { argv: build, env: m.setup.env } });
      rows.push({ id: 'myctr-changed', label: 'myctr build (config.txt changed)', cmd: bad ?? afterChange(dir, build, m.setup.env) });
    } else {
      for (const id of ['cold', 'cached', 'changed']) rows.push({ id: `myctr-${id}`, label: `myctr build (${id})`, cmd: unavailable(m.reason) });
    }
    const p = await podmanForBuild(ctx);
    if (p.ok) {
      const dir = context(ctx, 'podman');
      // chroot isolation: crun refuses hybrid-cgroup hosts, and buildah's chroot runner needs no OCI runtime.
      const build = [...p.base, 'build', '-q', '--isolation', 'chroot', '--network', 'host', '--build-arg', `BASE=${p.image}`, '-t', 'bench-build', dir];
      const seed = await exec(build);
      const bad = seed.code !== 0 ? unavailable(`podman build: ${errorLine(seed.stderr)}`) : undefined;
      rows.push({ id: 'podman-cold', label: 'podman build --no-cache', cmd: bad ?? { argv: [...p.base, 'build', '--no-cache', ...build.slice(p.base.length + 1)] } });
      rows.push({ id: 'podman-cached', label: 'podman build (all cached)', cmd: bad ?? { argv: build } });
      rows.push({ id: 'podman-changed', label: 'podman build (config.txt changed)', cmd: bad ?? afterChange(dir, build) });
      notes.push('podman builds with --isolation chroot (crun refuses this host\'s hybrid cgroups) and --network host, as myctr\'s RUN does');
    } else {
      for (const id of ['cold', 'cached', 'changed']) rows.push({ id: `podman-${id}`, label: `podman build (${id})`, cmd: { status: p.status, reason: p.reason } });
    }
    notes.push('the changed rows rewrite config.txt before each run: only the final COPY (and the image commit) is redone');
    const measured = await measureRows(ctx, 'build', rows);
    const goals: Goal[] = ['cold', 'cached', 'changed'].map((k) => ({ text: `myctr ${k} ≤ 0.5× podman`, subject: `myctr-${k}`, baseline: `podman-${k}`, maxRatio: 0.5 }));
    return { name: 'build', title: TITLE, rows: measured, baseline: 'podman-cold', baselineLabel: 'podman cold', goals, notes: [...notes, ...memoryNotes(ctx)] };
  },
};
