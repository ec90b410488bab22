// The tools myctr is compared with, on the same busybox rootfs:
//  - podman, with a private storage (--root/--runroot/--tmpdir in the bench's temp dir) holding the rootfs
//    imported as localhost/myctr-bench-busybox (no registry needed), removed at the end;
//  - bwrap --unshare-all, and unshare(1) + chroot: the floor of "namespaces + exec" without an engine.
// Environment fixes needed to make podman run at all are applied only when a probe run fails, and each
// one is printed as a note.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import type { BenchCommand } from './measure.js';
import { busyboxRootfs } from './rootfs.js';
import { errorLine, exec, which } from './tools.js';

export const PODMAN_IMAGE = 'localhost/myctr-bench-busybox';

export interface PodmanSetup {
  /** `podman --root … --runroot … --tmpdir …` */
  readonly base: readonly string[];
  /** A prefix for every `podman run` (empty unless a workaround needs one). */
  readonly wrap: readonly string[];
  /** Extra `podman run` flags that workarounds need. */
  readonly runFlags: readonly string[];
  readonly version: string;
  /** What `podman run` without --network gives here, e.g. `bridge (netavark)`. */
  readonly defaultNetwork: string;
  /** With the hybrid-cgroup workaround: `podman … --runtime <crun wrapper>` without the mount-namespace
   *  wrap. For `run -d` as root: podman's netns mount must stay visible to the later `podman rm`. */
  readonly detachedBase?: readonly string[];
  readonly notes: readonly string[];
}

export type PodmanFixture =
  | { readonly ok: true; readonly setup: PodmanSetup }
  | { readonly ok: false; readonly status: 'not installed' | 'unavailable'; readonly reason: string };

/** `[wrap] podman … run --rm [workaround flags] [extra] IMAGE cmd…` */
export function podmanRun(setup: PodmanSetup, extra: readonly string[], cmd: readonly string[]): BenchCommand {
  return { argv: [...setup.wrap, ...setup.base, 'run', '--rm', ...setup.runFlags, ...extra, PODMAN_IMAGE, ...cmd] };
}

/** Hard limit of `name` in /proc/self/limits (e.g. `Max open files`), if finite. */
function hardLimit(name: string): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
    const hard = line?.slice(name.length).trim().split(/\s+/)[1];
    return hard !== undefined && /^[0-9]+$/.test(hard) ? Number(hard) : undefined;
  } catch {
    return undefined;
  }
}

function readNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Mount points at or below `dir`, deepest first (to unmount what podman may have left). */
function mountsBelow(dir: string): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
      .filter((p) => p === dir || p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

const HIDE_CGROUP2 = 'mount -t tmpfs -o ro,size=4k myctr-bench /sys/fs/cgroup/unified && exec "$@"';

/** A script named `crun` (podman allows --cgroups disabled only for runtimes of that name) that starts crun
 *  in a private mount namespace with the cgroup2 hierarchy hidden; undefined without crun or unshare. */
function crunWrapper(dir: string): string | undefined {
  const crun = which('crun');
  const unshare = which('unshare');
  if (!crun || !unshare) return undefined;
  const wrapDir = join(dir, 'runtime');
  mkdirSync(wrapDir, { recursive: true });
  const wrapper = join(wrapDir, 'crun');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${unshare} --mount --propagation private -- sh -c '${HIDE_CGROUP2.replace('exec "$@"', `exec ${crun} "$@"`)}' sh "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

export function podmanFixture(ctx: BenchContext): Promise<PodmanFixture> {
  return ctx.fixture('podman', async (): Promise<PodmanFixture> => {
    const podman = which('podman');
    if (!podman) return { ok: false, status: 'not installed', reason: 'podman is not on PATH' };
    const rootfs = await busyboxRootfs(ctx);
    const dir = join(ctx.tmp, 'podman');
    const [root, runroot, tmp] = [join(dir, 'root'), join(dir, 'runroot'), join(dir, 'tmp')];
    let base = [podman, '--root', root, '--runroot', runroot, '--tmpdir', tmp];
    const rootless = ctx.host.mode === 'rootless';
    // Rootless podman 4.3 picks vfs for a store without a storage.conf, which copies the image on every run;
    // podman's own default on a kernel with unprivileged overlay (≥ 5.13) is overlay, and myctr uses overlay
    // too, so podman gets overlay here (vfs only if a probe run with overlay fails).
    if (rootless) base = [...base, '--storage-driver', 'overlay'];
    // Rootless, files in the store belong to subordinate ids: they are removed from podman's user namespace,
    // where the overlay driver also keeps its store mounted.
    const wipeRootlessStore = () => exec([...base, 'unshare', 'sh', '-c', 'umount -l "$1/overlay" 2>/dev/null; rm -rf "$1" "$2"', 'sh', root, runroot]);
    ctx.onCleanup('podman storage', async () => {
      if (rootless) {
        await wipeRootlessStore();
        // The pause process (catatonit -P) that holds that namespace was started for this store.
        const pause = readNumber(join(tmp, 'pause.pid'));
        if (pause !== undefined && pause > 1) {
          try {
            process.kill(pause, 'SIGKILL');
          } catch {
            /* gone already */
          }
        }
      } else {
        for (const m of mountsBelow(dir)) await exec(['umount', '-l', m]);
      }
      rmSync(dir, { recursive: true, force: true });
    });

    ctx.progress('setting up: podman import of the busybox rootfs');
    const versionOut = await exec([podman, '--version']);
    const version = versionOut.stdout.trim().replace(/^podman version /, '') || 'unknown';
    const imported = await exec([...base, 'import', rootfs.tar, PODMAN_IMAGE]);
    if (imported.code !== 0) return { ok: false, status: 'unavailable', reason: `podman import failed: ${errorLine(imported.stderr)}` };

    const notes: string[] = [];
    let wrap: string[] = [];
    let detachedBase: string[] | undefined;
    const runFlags: string[] = [];
    const applied = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      ctx.progress('setting up: podman probe run');
      const probe = await exec([...wrap, ...base, 'run', '--rm', ...runFlags, '--network', 'none', PODMAN_IMAGE, 'true']);
      if (probe.code === 0) break;
      const err = errorLine(probe.stderr);
      if (attempt < 3 && /cgroups in hybrid mode not supported/.test(err) && !rootless && !applied.has('cgroup')) {
        // crun refuses hosts whose cgroup2 hierarchy (/sys/fs/cgroup/unified) has controllers next to v1.
        applied.add('cgroup');
        const unshare = which('unshare');
        if (!unshare) return { ok: false, status: 'unavailable', reason: err };
        wrap = [unshare, '--mount', '--propagation', 'private', '--', 'sh', '-c', HIDE_CGROUP2, 'sh'];
        runFlags.push('--cgroups', 'disabled');
        const wrapper = crunWrapper(dir);
        if (wrapper) detachedBase = [...base, '--cgroup-manager', 'cgroupfs', '--runtime', wrapper];
        notes.push(
          'podman: crun refuses this host\'s hybrid cgroups ("cgroups in hybrid mode not supported"), so each podman run ' +
            'starts in a private mount namespace with an empty tmpfs over /sys/fs/cgroup/unified (unshare + sh: ~1-2 ms ' +
            'added to podman) and with --cgroups disabled (podman skips creating a cgroup, which makes it faster)',
        );
        continue;
      }
      if (attempt < 3 && /setrlimit/.test(err) && !applied.has('rlimit')) {
        // Without CAP_SYS_RESOURCE crun cannot raise the limits podman asks for (nofile/nproc 1048576…).
        applied.add('rlimit');
        const nofile = hardLimit('Max open files') ?? 1024;
        const nproc = Math.min(hardLimit('Max processes') ?? 4096, readNumber('/proc/sys/kernel/pid_max') ?? 32768);
        runFlags.push('--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`);
        notes.push(`podman: crun could not raise the rlimits podman asks for (${err}); podman runs with --ulimit nofile=${nofile}:${nofile} --ulimit nproc=${nproc}:${nproc}`);
        continue;
      }
      if (attempt < 3 && /cgroups in hybrid mode not supported/.test(err) && rootless && !applied.has('cgroup')) {
        // Rootless, podman's own process cannot mount; crun runs in podman's user namespace, where it can. So
        // crun is wrapped: the wrapper hides the cgroup2 hierarchy in a private mount namespace, then execs crun.
        // It must be called `crun`: podman allows --cgroups disabled only for runtimes of that name.
        applied.add('cgroup');
        const wrapper = crunWrapper(dir);
        if (!wrapper) return { ok: false, status: 'unavailable', reason: err };
        base = [...base, '--cgroup-manager', 'cgroupfs', '--runtime', wrapper];
        runFlags.push('--cgroups', 'disabled');
        notes.push(
          'podman: crun refuses this host\'s hybrid cgroups ("cgroups in hybrid mode not supported"); rootless, podman runs with ' +
            '--cgroup-manager cgroupfs, --cgroups disabled and --runtime <a `crun` wrapper script> that starts crun in a private mount ' +
            'namespace with an empty tmpfs over /sys/fs/cgroup/unified (unshare + sh: ~1-2 ms added per runtime call)',
        );
        continue;
      }
      if (attempt < 4 && rootless && !applied.has('vfs') && base.includes('overlay')) {
        applied.add('vfs');
        await wipeRootlessStore();
        base = base.map((a) => (a === 'overlay' ? 'vfs' : a));
        const again = await exec([...base, 'import', rootfs.tar, PODMAN_IMAGE]);
        if (again.code !== 0) return { ok: false, status: 'unavailable', reason: `podman import failed: ${errorLine(again.stderr)}` };
        notes.push(`podman: a rootless run with the overlay storage driver failed (${err}); podman uses vfs, which copies the image on every run`);
        continue;
      }
      const hint = /hybrid mode/.test(err) && rootless ? ' (crun needs a pure cgroup v1 or v2 host)' : '';
      return { ok: false, status: 'unavailable', reason: `a probe \`podman run\` failed: ${err}${hint}` };
    }

    const info = await exec([...base, 'info', '--format', '{{.Host.NetworkBackend}} {{.Store.GraphDriverName}} {{.Host.OCIRuntime.Name}}']);
    const [backend = '?', driver = '?', runtime = '?'] = info.stdout.trim().split(' ');
    const major = Number(version.split('.')[0]);
    const defaultNetwork = rootless ? (major >= 5 ? 'pasta' : 'slirp4netns') : `bridge, ${backend}`;
    notes.push(`podman ${version}: storage driver ${driver}, runtime ${runtime}, default network here: ${defaultNetwork}`);
    return { ok: true, setup: { base, wrap, runFlags, version, defaultNetwork, ...(detachedBase ? { detachedBase } : {}), notes } };
  });
}

export interface PeerCommand {
  readonly cmd?: BenchCommand;
  readonly missing?: string;
}

/** `bwrap --unshare-all --die-with-parent --ro-bind ROOTFS / --proc /proc --dev /dev /bin/true` */
export async function bwrapCommand(ctx: BenchContext): Promise<PeerCommand> {
  const bwrap = which('bwrap');
  if (!bwrap) return { missing: 'bwrap (bubblewrap) is not on PATH' };
  const { dir } = await busyboxRootfs(ctx);
  return { cmd: { argv: [bwrap, '--unshare-all', '--die-with-parent', '--ro-bind', dir, '/', '--proc', '/proc', '--dev', '/dev', '/bin/true'] } };
}

/** `unshare --user --map-root-user --mount --pid --fork --uts --ipc --net chroot ROOTFS /bin/true` */
export async function unshareCommand(ctx: BenchContext): Promise<PeerCommand> {
  const unshare = which('unshare');
  const chroot = which('chroot');
  if (!unshare || !chroot) return { missing: `${unshare ? 'chroot' : 'unshare'} is not on PATH` };
  const { dir } = await busyboxRootfs(ctx);
  return {
    cmd: { argv: [unshare, '--user', '--map-root-user', '--mount', '--pid', '--fork', '--uts', '--ipc', '--net', chroot, dir, '/bin/true'] },
  };
}
