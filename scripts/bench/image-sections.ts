// Sections `pull`, `load` and `run5`: pull of a 5-layer image from a local registry, `load` of a docker-archive
// of it, and `run --rm true` on it — myctr beside podman (and skopeo for the pull) on the same bytes. Each pull
// and load run also removes the image again (`rmi`), for every tool alike, so that every run starts empty.
import type { BenchContext } from './context.js';
import { FIVE_NAME, imageFixture, scratchStores } from './image-fixture.js';
import { podmanFixture } from './peers.js';
import { measureRows, memoryNotes, type Candidate } from './rows.js';
import type { Section, SectionResult } from './section.js';
import { exec, which } from './tools.js';

const unavailable = (reason: string): Candidate['cmd'] => ({ status: 'unavailable', reason });
/** `sh -c 'A && B' sh CMD…`: two commands with one argv prefix, output dropped. */
const both = (prefix: readonly string[], a: string, b: string, env?: NodeJS.ProcessEnv): Candidate['cmd'] => ({
  argv: ['sh', '-c', `set -e; "$@" ${a} >/dev/null; "$@" ${b} >/dev/null`, 'sh', ...prefix], ...(env ? { env } : {}),
});

async function podmanBase(ctx: BenchContext): Promise<{ base?: string[]; wrap: string[]; runFlags: string[]; reason?: string }> {
  const p = await podmanFixture(ctx);
  if (!p.ok) return { wrap: [], runFlags: [], reason: p.reason };
  return { base: [...p.setup.base], wrap: [...p.setup.wrap], runFlags: [...p.setup.runFlags] };
}

function result(name: string, title: string, rows: SectionResult['rows'], subject: string, baseline: string, notes: string[]): SectionResult {
  return {
    name, title, rows, baseline, baselineLabel: 'podman',
    goals: [{ text: 'myctr ≤ 1× podman wall time', subject, baseline, maxRatio: 1 }], notes,
  };
}

const PULL_TITLE = 'pull a 5-layer image (~5 MB of gzip blobs) from a registry on 127.0.0.1, then remove it';
const LOAD_TITLE = 'load a docker-archive of the 5-layer image (~10 MB, plain layer tars), then remove it';
const RUN_TITLE = 'run --rm --network none IMAGE true on the 5-layer image (overlay of 5 layers)';

export const pullSection: Section = {
  name: 'pull', order: 30, title: PULL_TITLE,
  async run(ctx) {
    const fx = await imageFixture(ctx);
    const notes: string[] = [];
    const rows: Candidate[] = [];
    if (!fx.ok) {
      rows.push({ id: 'myctr-pull', label: 'myctr pull', cmd: unavailable(fx.reason) });
    } else {
      const s = scratchStores(ctx, 'pull');
      const r = fx.fx.remote;
      rows.push({ id: 'myctr-pull', label: `myctr pull ${r} + rmi`, cmd: both(fx.fx.myctr.cli, `pull -q ${r}`, `rmi ${r}`, s.myctrEnv) });
      const podman = which('podman');
      rows.push({ id: 'podman-pull', label: `podman pull ${r} + rmi`, cmd: podman ? both(s.podmanBase(podman), `pull -q --tls-verify=false ${r}`, `rmi ${r}`) : unavailable('podman is not installed') });
      const skopeo = which('skopeo');
      const dir = `${ctx.tmp}/scratch-pull/skopeo-oci`;
      rows.push({ id: 'skopeo-copy', label: 'skopeo copy docker://… oci:DIR (no unpack) + rm', cmd: skopeo
        ? { argv: ['sh', '-c', `set -e; "$@" >/dev/null; rm -rf ${dir}`, 'sh', skopeo, 'copy', '--src-tls-verify=false', `docker://${r}`, `oci:${dir}:x`] }
        : unavailable('skopeo is not installed') });
      notes.push('myctr and podman each pull into an empty store of their own (the image is removed after every run); skopeo only copies blobs (no unpack), a floor');
    }
    const measured = await measureRows(ctx, 'pull', rows);
    return result('pull', PULL_TITLE, measured, 'myctr-pull', 'podman-pull', [...notes, ...memoryNotes(ctx)]);
  },
};

export const loadSection: Section = {
  name: 'load', order: 31, title: LOAD_TITLE,
  async run(ctx) {
    const fx = await imageFixture(ctx);
    const rows: Candidate[] = [];
    if (!fx.ok) {
      rows.push({ id: 'myctr-load', label: 'myctr load', cmd: unavailable(fx.reason) });
    } else {
      const s = scratchStores(ctx, 'load');
      const f = fx.fx.dockerArchive;
      rows.push({ id: 'myctr-load', label: 'myctr load -i five.tar + rmi', cmd: both(fx.fx.myctr.cli, `load -i ${f}`, `rmi ${FIVE_NAME}`, s.myctrEnv) });
      const podman = which('podman');
      rows.push({ id: 'podman-load', label: 'podman load -i five.tar + rmi', cmd: podman ? both(s.podmanBase(podman), `load -q -i ${f}`, `rmi ${FIVE_NAME}`) : unavailable('podman is not installed') });
    }
    const measured = await measureRows(ctx, 'load', rows);
    return result('load', LOAD_TITLE, measured, 'myctr-load', 'podman-load', ['the archive was written by `myctr save --format docker-archive` (plain layer tars)', ...memoryNotes(ctx)]);
  },
};

export const run5Section: Section = {
  name: 'run5', order: 32, title: RUN_TITLE,
  async run(ctx) {
    const fx = await imageFixture(ctx);
    const rows: Candidate[] = [];
    const notes: string[] = [];
    if (!fx.ok) {
      rows.push({ id: 'myctr-run5', label: 'myctr run', cmd: unavailable(fx.reason) });
    } else {
      rows.push({ id: 'myctr-run5', label: 'myctr run --rm --network none five true', cmd: { argv: [...fx.fx.myctr.cli, 'run', '--rm', '--network', 'none', FIVE_NAME, 'true'], env: fx.fx.myctr.env } });
      const p = await podmanBase(ctx);
      if (p.base) {
        
        const loaded = await exec([...p.base, 'load', '-q', '-i', fx.fx.dockerArchive]);
        rows.push({ id: 'podman-run5', label: 'podman run --rm --network none five true', cmd: loaded.code === 0
          ? { argv: [...p.wrap, ...p.base, 'run', '--rm', ...p.runFlags, '--network', 'none', FIVE_NAME, 'true'] }
          : unavailable(`podman load: ${loaded.stderr.trim().split('\n').pop() ?? ''}`) });
      } else {
        rows.push({ id: 'podman-run5', label: 'podman run', cmd: unavailable(p.reason ?? 'podman unavailable') });
      }
    }
    const measured = await measureRows(ctx, 'run5', rows);
    return result('run5', RUN_TITLE, measured, 'myctr-run5', 'podman-run5', [...notes, ...memoryNotes(ctx)]);
  },
};



