// `myctr build` end to end on busybox: multi-stage COPY --from, build args and --target, ignore-file
// exceptions, the cache (hit, miss from a changed file onwards), USER and --chown ownership, a failing RUN
// (its exit status, output, nothing left behind), heredoc scripts with #!, RUN bind mounts from stages and rw,
// ADD of a local tar, a Containerfile from stdin. Root and rootless.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildTar } from '../../../client/image/tar-writer.js';
import { assertNoLeaks, snapshot } from '../../support/leaks.js';
import { probes, requireFeature } from '../../support/probes.js';
import { runCli } from '../../support/spawn-cli.js';
import { testEnv } from '../../support/tmp.js';
import { imageIdOf, setupBuildFixture, type BuildFixture } from './build-helpers.js';

let fx: BuildFixture;

const MULTI = `ARG BASE=busybox
FROM $BASE AS builder
ARG VERSION=1
WORKDIR /src
COPY app.txt ./
RUN echo "built $VERSION from $(cat app.txt)" > result.txt

FROM busybox AS runtime
ARG VERSION
ENV APP_VERSION=$VERSION
COPY --from=builder /src/result.txt /app/result.txt
LABEL org.example.version=$VERSION
EXPOSE 8080
CMD ["cat", "/app/result.txt"]

FROM runtime AS debug
RUN echo never-built-for-runtime > /debug
`;

describe('myctr build', () => {
  before(async () => { fx = await setupBuildFixture(); });
  after(async () => { await fx?.cleanup(); });

  test('multi-stage with COPY --from, build args and --target', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({ Containerfile: MULTI, 'app.txt': 'sources' });
    const r = await fx.build(dir, ['-t', 'app:prod', '--build-arg', 'VERSION=2', '--target', 'runtime']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /never-built|\[debug /, 'the debug stage is not needed for --target runtime');
    const id = imageIdOf(r);
    const img = fx.image(id);
    assert.deepEqual(img.config.Cmd, ['cat', '/app/result.txt']);
    assert.ok((img.config.Env as string[]).includes('APP_VERSION=2'));
    assert.deepEqual(img.config.Labels, { 'org.example.version': '2' });
    assert.deepEqual(img.config.ExposedPorts, { '8080/tcp': {} });
    const run = await fx.run(['app:prod']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'built 2 from sources\n');
    assert.ok(img.history.some((h) => h.created_by.startsWith('COPY --from=builder')), JSON.stringify(img.history));
  });

  test('a rebuild with nothing changed uses the cache; a changed file reruns from its COPY on', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const text = 'FROM busybox\nRUN echo one > /one\nCOPY a.txt /a.txt\nRUN cat /a.txt > /copy\nCOPY b.txt /b.txt\n';
    const dir = fx.context({ Containerfile: text, 'a.txt': 'A1', 'b.txt': 'B' });
    const first = await fx.build(dir, ['-t', 'cache:1']);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /CACHED/);
    const second = await fx.build(dir, ['-t', 'cache:1']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((second.stderr.match(/CACHED/g) ?? []).length, 4, second.stderr);
    assert.equal(imageIdOf(second) === imageIdOf(first) || fx.image(imageIdOf(second)).layers.join() === fx.image(imageIdOf(first)).layers.join(), true);
    writeFileSync(join(dir, 'a.txt'), 'A2');
    const third = await fx.build(dir, ['-t', 'cache:1']);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /RUN echo one > \/one\n#\d+ CACHED/);
    assert.match(third.stderr, /COPY a\.txt \/a\.txt\n#\d+ DONE/);
    assert.match(third.stderr, /RUN cat \/a\.txt > \/copy\n#\d+ DONE/);
    const run = await fx.run(['cache:1', 'cat', '/copy']);
    assert.equal(run.stdout, 'A2');
    const noCache = await fx.build(dir, ['--no-cache', '-q']);
    assert.equal(noCache.code, 0, noCache.stderr);
    assert.equal(noCache.stderr, '', '-q prints nothing but the id');
    assert.match(noCache.stdout, /^[0-9a-f]{64}\n$/);
  });

  test('.dockerignore with an exception: excluded files stay out, the exception gets in', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({
      Containerfile: 'FROM busybox\nCOPY . /ctx/\n', '.dockerignore': '*.md\n!README.md\nsecret/\n',
      'README.md': 'r', 'NOTES.md': 'n', 'secret/key': 'k', 'src/main.c': 'c',
    });
    chmodSync(dir, 0o700); // the context dir's own mode does not travel: COPY copies its contents
    const r = await fx.build(dir, ['-t', 'ign']);
    assert.equal(r.code, 0, r.stderr);
    const ls = await fx.run(['ign', 'sh', '-c', 'find /ctx -type f; stat -c %a /ctx']);
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), ['/ctx/.dockerignore', '/ctx/Containerfile', '/ctx/README.md', '/ctx/src/main.c', '755']);
  });

  test('USER and COPY --chown: ownership is visible in the result', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({
      Containerfile: 'FROM busybox\nRUN echo app:x:1234:1234::/home/app:/bin/sh >> /etc/passwd && echo app:x:1234: >> /etc/group && mkdir -p /home/app && chown app:app /home/app\nCOPY --chown=app:app f.txt /home/app/f.txt\nCOPY --chown=42:43 --chmod=0600 f.txt /g.txt\nUSER app\nRUN touch /home/app/made && id -u > /home/app/uid\n',
      'f.txt': 'x',
    });
    const r = await fx.build(dir, ['-t', 'own']);
    assert.equal(r.code, 0, r.stderr);
    const ls = await fx.run(['-u', '0', 'own', 'sh', '-c', 'stat -c "%n %u:%g %a" /home/app/f.txt /home/app/made /g.txt; cat /home/app/uid']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, '/home/app/f.txt 1234:1234 644\n/home/app/made 1234:1234 644\n/g.txt 42:43 600\n1234\n');
    assert.equal(fx.image(imageIdOf(r)).config.User, 'app');
  });

  test('a failing RUN: myctr exits with its status (as podman build), reports its last output, leaves nothing behind', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({ Containerfile: 'FROM busybox\nRUN echo first-line; echo the-reason >&2; exit 3\n' });
    const before = await snapshot({ mountPrefix: fx.env.root, marker: fx.env.root });
    const r = await fx.build(dir, ['-t', 'fails']);
    assert.equal(r.code, 3, 'the RUN\'s own exit status');
    assert.match(r.stderr, /Containerfile:2: `RUN echo first-line.*`: the command exited with code 3/);
    assert.match(r.stderr, /last output:\n\s+first-line\n\s+the-reason/);
    assert.deepEqual(fx.leftovers(), []);
    await assertNoLeaks(before, { mountPrefix: fx.env.root, marker: fx.env.root });
    const images = await fx.cli(['images']);
    assert.doesNotMatch(images.stdout, /fails/);
    const own = await fx.build(fx.context({ Containerfile: 'FROM busybox\nCOPY missing.txt /\n' }), []);
    assert.equal(own.code, 125, 'myctr\'s own failures stay 125');
  });

  test('RUN <<EOF with #! runs the interpreter it names; without #! the shell runs the body', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({
      Containerfile: 'FROM busybox\nRUN <<EOF\n#!/usr/bin/awk -f\nBEGIN { printf "%s|%d\\n", "awk", 6 * 7 > "/by-awk" }\nEOF\n'
        + 'RUN <<EOF\necho "sh $((6 * 7))" > /by-sh\nEOF\n'
        + 'RUN <<-EOT\n\t#!/bin/sh -e\n\techo "script $0" > /by-script\n\tEOT\n',
    });
    const r = await fx.build(dir, ['-q', '-t', 'shebang']);
    assert.equal(r.code, 0, r.stderr);
    const out = await fx.run(['shebang', 'sh', '-c', 'cat /by-awk /by-sh /by-script; ls /dev/pipes 2>&1 || true']);
    assert.equal(out.stdout, 'awk|42\nsh 42\nscript /dev/pipes/EOT\nls: /dev/pipes: No such file or directory\n');
    // The body is part of the cache key: a changed script reruns.
    const dir2 = fx.context({ Containerfile: 'FROM busybox\nRUN <<EOF\n#!/usr/bin/awk -f\nBEGIN { print "other" > "/by-awk" }\nEOF\n' });
    const r2 = await fx.build(dir2, ['-q', '-t', 'shebang2']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((await fx.run(['shebang2', 'cat', '/by-awk'])).stdout, 'other\n');
  });

  test('RUN --mount=type=bind from= a stage, and rw binds: writes succeed but reach neither the result nor the source', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({
      'data.txt': 'original\n',
      'sub/x.txt': 'x\n',
      Containerfile: 'FROM busybox AS tools\nRUN mkdir -p /out/deep && echo from-tools > /out/deep/f && chown -R 12:34 /out\n'
        + 'FROM busybox\n'
        + 'RUN --mount=type=bind,from=tools,source=/out,target=/t stat -c "%u:%g %n" /t/deep/f > /from-stage && cat /t/deep/f >> /from-stage\n'
        + 'RUN --mount=type=bind,from=tools,source=/out,target=/t,rw echo changed > /t/deep/f && echo new > /t/new && cat /t/deep/f /t/new > /stage-rw\n'
        + 'RUN --mount=type=bind,from=tools,source=/out,target=/t cat /t/deep/f > /stage-after; ls /t >> /stage-after\n'
        + 'RUN --mount=type=bind,target=/c,rw echo written > /c/data.txt && rm /c/sub/x.txt && touch /c/added && cat /c/data.txt > /ctx-rw\n'
        + 'RUN --mount=type=bind,source=sub,target=/s ls /s > /ctx-after\n',
    });
    const r = await fx.build(dir, ['-q', '-t', 'binds']);
    assert.equal(r.code, 0, r.stderr);
    const out = await fx.run(['binds', 'cat', '/from-stage', '/stage-rw', '/stage-after', '/ctx-rw', '/ctx-after']);
    assert.equal(out.stdout, '12:34 /t/deep/f\nfrom-tools\nchanged\nnew\nfrom-tools\ndeep\nwritten\nx.txt\n',
      'owners kept from the stage; rw writes seen by their RUN only');
    const ls = await fx.run(['binds', 'ls', '/']);
    assert.doesNotMatch(ls.stdout, /^(t|c|s)$/m, 'mount points pruned from the layers');
    assert.equal(readFileSync(join(dir, 'data.txt'), 'utf8'), 'original\n', 'the context is unchanged');
    assert.deepEqual(readdirSync(dir).sort(), ['Containerfile', 'data.txt', 'sub']);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['x.txt']);
    assert.deepEqual(fx.leftovers(), []);
    const bad = await fx.build(fx.context({ Containerfile: 'FROM busybox\nRUN --mount=type=bind,from=busybox,source=/nope,target=/n true\n' }), []);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /Containerfile:2: .*bind mount source `\/nope` not found/);
    assert.deepEqual(fx.leftovers(), []);
  });

  test('ADD of a local tar extracts it; COPY of the same tar does not', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({ Containerfile: 'FROM busybox\nADD files.tar /opt/\nCOPY files.tar /raw/\n' });
    writeFileSync(join(dir, 'files.tar'), buildTar([
      { path: 'pkg/', type: 'dir', mode: 0o755 }, { path: 'pkg/bin.sh', type: 'file', mode: 0o755, data: 'echo hi\n' },
    ]));
    const r = await fx.build(dir, ['-t', 'addtar']);
    assert.equal(r.code, 0, r.stderr);
    const ls = await fx.run(['addtar', 'sh', '-c', 'stat -c "%n %a" /opt/pkg/bin.sh; ls /raw']);
    assert.equal(ls.stdout, '/opt/pkg/bin.sh 755\nfiles.tar\n');
  });

  test('a Containerfile on stdin builds without a context; COPY then fails clearly', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({});
    const ok = await fx.cli(['build', '-q', '-t', 'stdin', '-'], { cwd: dir, input: 'FROM busybox\nENV A=b\nRUN echo $A > /a\n' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(fx.image(imageIdOf(ok)).history.at(-1)?.created_by, 'RUN /bin/sh -c echo $A > /a');
    const bad = await fx.cli(['build', '-'], { cwd: dir, input: 'FROM busybox\nCOPY x /x\n' });
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /<stdin>:2: COPY needs a build context/);
  });

  test('deletions survive save and load: whiteouts and opaque dirs become .wh. entries of the blob', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({ Containerfile: 'FROM busybox\nRUN mkdir -p /d && touch /d/old /d/keep2\nRUN rm /bin/true && rm -rf /d && mkdir /d && touch /d/new\n' });
    const r = await fx.build(dir, ['-q', '-t', 'wh']);
    assert.equal(r.code, 0, r.stderr);
    const archive = join(fx.context({}), 'wh.tar');
    const save = await fx.cli(['save', '-o', archive, 'wh']);
    assert.equal(save.code, 0, save.stderr);
    const other = testEnv();
    try {
      const load = await runCli(['load', '-i', archive], { env: { ...other.env } });
      assert.equal(load.code, 0, load.stderr);
      const ls = await runCli(['run', '--rm', '--network', 'none', 'wh', 'sh', '-c', 'ls /d; test -e /bin/true && echo still-there || echo gone'], { env: { ...other.env } });
      assert.equal(ls.stdout, 'new\ngone\n', ls.stderr);
    } finally {
      await other.cleanup();
    }
  });

  test('-f names a Containerfile relative to the working directory', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({ 'docker/Containerfile.prod': 'FROM busybox\nCOPY data.txt /data.txt\n', 'data.txt': 'd' });
    const r = await fx.cli(['build', '-q', '-f', 'docker/Containerfile.prod', '-t', 'prod', '.'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const cat = await fx.run(['prod', 'cat', '/data.txt']);
    assert.equal(cat.stdout, 'd');
  });

  test('RUN --mount: cache persists across builds, secret/bind/tmpfs are visible but leave no trace', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const dir = fx.context({
      'data.txt': 'bindme',
      Containerfile: 'FROM busybox\nRUN --mount=type=cache,target=/cache echo run >> /cache/log && wc -l < /cache/log > /count\n'
        + 'RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /tok-len\n'
        + 'RUN --mount=type=bind,source=data.txt,target=/mnt/data.txt cat /mnt/data.txt > /copied\n'
        + 'RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && ls /scratch > /tmpfs-ls\n',
    });
    const secret = join(dir, '..', 'secret.txt');
    writeFileSync(secret, 's3cret\n');
    for (const extra of [[], ['--no-cache']]) {
      const r = await fx.build(dir, ['-q', '-t', 'mounts', '--secret', `id=tok,src=${secret}`, ...extra]);
      assert.equal(r.code, 0, r.stderr);
    }
    const out = await fx.run(['mounts', 'sh', '-c', 'cat /count /tok-len /copied /tmpfs-ls; ls -d /cache /mnt /scratch /run/secrets 2>/dev/null; true']);
    assert.equal(out.stdout, '2\n7\nbindmex\n', 'the cache mount kept the first build\'s line; mount points were pruned');
  });

  test('syntax errors point at file:line before anything runs', async () => {
    const dir = fx.context({ Containerfile: 'FROM busybox\nRUN true\nFORM oops\n' });
    const r = await fx.build(dir, []);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Containerfile:3: unknown instruction: FORM: `FORM oops`/);
    assert.doesNotMatch(r.stderr, /#1 /);
  });
});
