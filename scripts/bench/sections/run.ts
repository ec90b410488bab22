// Section `run`: start a container that runs `true`, wait for it, remove it. myctr against podman on the
// same busybox rootfs, with bwrap and unshare+chroot as the floor, and Node's own start-up for reference.
import type { BenchContext } from '../context.js';
import { myctrCommand, myctrFixture } from '../myctr.js';
import { bwrapCommand, podmanFixture, podmanRun, unshareCommand, type PeerCommand } from '../peers.js';
import { measureRows, memoryNotes, type Candidate } from '../rows.js';
import type { Section, SectionResult } from '../section.js';

/** A fixture's failure (no static busybox, say) becomes an unavailable row instead of ending the section. */
async function guard<T>(p: Promise<T>): Promise<T | { readonly error: string }> {
  try {
    return await p;
  } catch (err) {
    return { error: (err as Error).message };
  }
}

async function candidates(ctx: BenchContext, notes: string[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const myctr = await myctrFixture(ctx);
  const myctrRows: [string, string, string[]][] = [
    ['myctr-default', 'myctr run --rm busybox true', ['run', '--rm', 'busybox', 'true']],
    ['myctr-none', 'myctr run --rm --network none busybox true', ['run', '--rm', '--network', 'none', 'busybox', 'true']],
  ];
  for (const [id, label, args] of myctrRows) {
    out.push({ id, label, cmd: myctr.ok ? myctrCommand(myctr.setup, args) : { status: 'unavailable', reason: myctr.reason } });
  }
  if (myctr.ok) notes.push(...myctr.setup.notes);

  const podmanOrError = await guard(podmanFixture(ctx));
  const podman = 'error' in podmanOrError ? { ok: false as const, status: 'unavailable' as const, reason: podmanOrError.error } : podmanOrError;
  if (podman.ok) {
    notes.push(...podman.setup.notes);
    out.push({ id: 'podman-none', label: 'podman run --rm --network none IMG true', cmd: podmanRun(podman.setup, ['--network', 'none'], ['true']) });
    out.push({
      id: 'podman-default',
      label: `podman run --rm IMG true (${podman.setup.defaultNetwork})`,
      cmd: podmanRun(podman.setup, [], ['true']),
    });
  } else {
    const cmd = { status: podman.status, reason: podman.reason };
    out.push({ id: 'podman-none', label: 'podman run --rm --network none IMG true', cmd });
    out.push({ id: 'podman-default', label: 'podman run --rm IMG true (default network)', cmd });
  }

  const peer = (p: PeerCommand | { readonly error: string }): Candidate['cmd'] => {
    if ('error' in p) return { status: 'unavailable', reason: p.error };
    return p.cmd ?? { status: 'not installed', reason: p.missing ?? '' };
  };
  out.push({ id: 'bwrap', label: 'bwrap --unshare-all … /bin/true', cmd: peer(await guard(bwrapCommand(ctx))) });
  out.push({
    id: 'unshare-chroot',
    label: 'unshare -U -r -m -p -f -u -i -n chroot … /bin/true',
    cmd: peer(await guard(unshareCommand(ctx))),
  });

  // The same run without the command's early stage 0 (client/launch/myctr.sh): what the launcher gains.
  out.push({
    id: 'myctr-none-late',
    label: 'myctr run … --network none, MYCTR_EARLY=0',
    reference: true,
    cmd: myctr.ok
      ? { ...myctrCommand(myctr.setup, myctrRows[1]![2]), env: { ...myctr.setup.env, MYCTR_EARLY: '0' } }
      : { status: 'unavailable', reason: myctr.reason },
  });
  out.push({ id: 'node-startup', label: "node -e ''", reference: true, cmd: { argv: [process.execPath, '-e', ''] } });
  out.push({
    id: 'myctr-version',
    label: 'myctr --version (CLI load only)',
    reference: true,
    cmd: myctr.ok ? myctrCommand(myctr.setup, ['--version']) : { status: 'unavailable', reason: myctr.reason },
  });
  return out;
}

const TITLE = 'start a container that runs `true` and remove it (`run --rm IMAGE true`)';

export const section: Section = {
  name: 'run',
  order: 10,
  title: TITLE,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const notes: string[] = [];
    const rows = await measureRows(ctx, 'run', await candidates(ctx, notes));
    notes.push(...memoryNotes(ctx));
    notes.push(
      'IMG = localhost/myctr-bench-busybox: the tar `myctr bootstrap busybox` imports, imported into podman; ' +
        'bwrap and unshare use the same tree unpacked (no /proc for unshare+chroot)',
    );
    return {
      name: 'run',
      title: TITLE,
      rows,
      baseline: 'podman-none',
      baselineLabel: 'podman',
      goals: [
        { text: 'myctr ≤ 0.5× podman wall time', subject: 'myctr-none', baseline: 'podman-none', maxRatio: 0.5 },
        // Each with its own default network (slirp4netns or pasta for myctr; podman's differs as root: a bridge).
        { text: 'myctr ≤ 0.5× podman wall time, default networks', subject: 'myctr-default', baseline: 'podman-default', maxRatio: 0.5 },
      ],
      notes,
    };
  },
};
