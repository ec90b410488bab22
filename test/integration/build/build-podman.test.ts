// The config `myctr build` produces (Env, Cmd, Entrypoint, WorkingDir, User, ExposedPorts, Labels, Volumes,
// StopSignal) equals what `podman build` gives for the same Containerfile on the same busybox rootfs. Podman
// runs with a private store and chroot isolation (crun refuses this host's hybrid cgroups). SHELL comes after
// CMD: podman's default OCI format ignores SHELL (Docker applies it to CMD/ENTRYPOINT too, as myctr does).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { busyboxRootfs, findStaticBusybox, listApplets } from '../../../client/image/bootstrap-busybox.js';
import { buildTar } from '../../../client/image/tar-writer.js';
import { probes, requireFeature } from '../../support/probes.js';
import { removeTree } from '../../support/tmp.js';
import { imageIdOf, setupBuildFixture, type BuildFixture } from './build-helpers.js';

const CONTAINERFILE = `FROM busybox
ARG VERSION=3
ENV A=1 B="two words"
ENV LEGACY form value
ENV PATH=/opt/bin:$PATH
WORKDIR /srv
WORKDIR app
RUN echo built > /built
USER 1000:1000
EXPOSE 80 53/udp 8080/tcp
LABEL version=$VERSION "quoted key"="x y"
VOLUME ["/data"]
STOPSIGNAL SIGINT
ENTRYPOINT echo entry
CMD echo cmd
SHELL ["/bin/sh", "-ec"]
RUN echo shell-form under the new shell
`;

const KEYS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Labels', 'Volumes', 'StopSignal'] as const;

let fx: BuildFixture;
let podmanDir: string;

function podman(args: readonly string[], cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('podman', ['--root', join(podmanDir, 'root'), '--runroot', join(podmanDir, 'run'), '--storage-driver', 'vfs', ...args],
    { encoding: 'utf8', ...(cwd ? { cwd } : {}), timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('myctr build vs podman build', () => {
  before(async () => {
    fx = await setupBuildFixture();
    podmanDir = mkdtempSync(join(tmpdir(), 'myctr-podman-'));
  });
  after(async () => {
    await fx?.cleanup();
    if (podmanDir) {
      // Podman's vfs store holds subordinate-owned files when rootless: let podman remove its own store first.
      spawnSync('podman', ['--root', join(podmanDir, 'root'), '--runroot', join(podmanDir, 'run'), '--storage-driver', 'vfs', 'system', 'reset', '-f'], { stdio: 'ignore' });
      await removeTree(podmanDir);
    }
  });

  test('the image config matches podman\'s', async (t) => {
    if (!requireFeature(t, probes.podman) || !requireFeature(t, probes.userns)) return;
    const bb = findStaticBusybox();
    const tar = join(podmanDir, 'busybox.tar');
    writeFileSync(tar, buildTar(busyboxRootfs(bb.data, await listApplets(bb.path), bb.mtime)));
    const imp = podman(['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["sh"]', tar, 'localhost/busybox:latest']);
    assert.equal(imp.code, 0, imp.stderr);
    const dir = fx.context({ Containerfile: CONTAINERFILE });
    const pb = podman(['build', '--isolation', 'chroot', '--network', 'host', '-q', '-t', 'cmp', '.'], dir);
    assert.equal(pb.code, 0, pb.stderr);
    const insp = podman(['image', 'inspect', 'cmp', '--format', '{{json .Config}}']);
    assert.equal(insp.code, 0, insp.stderr);
    const theirs = JSON.parse(insp.stdout) as Record<string, unknown>;
    delete (theirs.Labels as Record<string, string>)['io.buildah.version'];
    const r = await fx.build(dir, ['-q', '-t', 'cmp']);
    assert.equal(r.code, 0, r.stderr);
    const ours = fx.image(imageIdOf(r)).config;
    // Env order: Docker/BuildKit replace a re-set variable in place, buildah moves it to the end; same meaning.
    for (const c of [ours, theirs]) c.Env = [...(c.Env as string[])].sort();
    for (const k of KEYS) assert.deepEqual(ours[k], theirs[k], `${k}: myctr ${JSON.stringify(ours[k])} vs podman ${JSON.stringify(theirs[k])}`);
  });
});
