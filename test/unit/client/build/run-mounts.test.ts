// client/build/run-mounts.ts: RUN --mount texts → ready mount specs, or copies for rw binds and binds from a
// stage or image; the cache-key parts of from= sources; refusals with file:line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mountFromRefs, runMounts, type MountEnv } from '../../../../client/build/run-mounts.js';
import type { RunInstruction } from '../../../../client/build/run-command.js';
import { parseContainerfile } from '../../../../client/build/stages.js';

const ctx = mkdtempSync(join(tmpdir(), 'myctr-run-mounts-'));
after(() => rmSync(ctx, { recursive: true, force: true }));
mkdirSync(join(ctx, 'dir'));
writeFileSync(join(ctx, 'file.txt'), 'x');

function runOf(line: string): RunInstruction {
  return parseContainerfile(`FROM x\n${line}`).stages[0]!.steps[0] as RunInstruction;
}

const env = (extra: Partial<MountEnv> = {}): MountEnv => ({ contextDir: ctx, secrets: new Map([['tok', '/s/tok']]), cacheDir: (id) => `/cache/${id}`, cwd: '/app', ...extra });

test('context binds: read-only in place; rw as a copy; relative targets against WORKDIR', () => {
  const p = runMounts(runOf('RUN --mount=type=bind,source=file.txt,target=f --mount=type=bind,src=dir,dst=/d,rw true'), env());
  assert.deepEqual(p.mounts, [
    { kind: 'ready', spec: { type: 'bind', source: join(ctx, 'file.txt'), destination: '/app/f', readonly: true, file: true } },
    { kind: 'copy', layers: [ctx], source: '/dir', destination: '/d', readonly: false },
  ]);
  assert.deepEqual(p.keyParts, []);
});

test('from= a stage or image: a copy of its path, its content key in the cache key', () => {
  const ins = runOf('RUN --mount=type=bind,from=builder,source=out/bin,target=/b --mount=from=img:1,target=/i,readwrite true');
  assert.deepEqual(mountFromRefs(ins), ['builder', 'img:1']);
  const from = new Map([['builder', { layers: ['/l1', '/l2'], key: 'k-builder' }], ['img:1', { layers: ['/l3'], key: 'image:abc' }]]);
  const p = runMounts(ins, env({ from, contextDir: undefined }));
  assert.deepEqual(p.mounts, [
    { kind: 'copy', layers: ['/l1', '/l2'], source: '/out/bin', destination: '/b', readonly: true },
    { kind: 'copy', layers: ['/l3'], source: '/', destination: '/i', readonly: false },
  ]);
  assert.deepEqual(p.keyParts, ['k-builder', 'image:abc']);
});

test('cache, tmpfs, secret', () => {
  const p = runMounts(runOf('RUN --mount=type=cache,target=/var/cache/apt --mount=type=tmpfs,target=/t,size=1m --mount=type=secret,id=tok --mount=type=secret,id=absent true'), env());
  assert.deepEqual(p.mounts.map((m) => m.kind === 'ready' ? m.spec : m), [
    { type: 'bind', source: '/cache//var/cache/apt', destination: '/var/cache/apt', readonly: false, file: false },
    { type: 'tmpfs', destination: '/t', options: 'size=1m', flags: 0 },
    { type: 'bind', source: '/s/tok', destination: '/run/secrets/tok', readonly: true, file: true },
  ]);
});

test('refusals name file:line: ssh, unknown types, from= on other types, missing sources and targets', () => {
  const table: [string, RegExp, Partial<MountEnv>?][] = [
    ['--mount=type=ssh', /Containerfile:2: --mount=type=ssh is not supported/],
    ['--mount=type=nfs,target=/x', /unsupported mount type `nfs`/],
    ['--mount=type=cache,from=s,target=/x', /from= is supported for type=bind only \(not cache\)/],
    ['--mount=type=bind,source=nope,target=/x', /bind mount source `nope` not found in the build context/],
    ['--mount=type=bind,source=file.txt', /bind mounts need a target/],
    ['--mount=type=bind,target=/x', /bind mounts need a build context/, { contextDir: undefined }],
    ['--mount=type=secret,id=gone,required=true', /secret `gone` is required/],
  ];
  for (const [flags, re, extra] of table) assert.throws(() => runMounts(runOf(`RUN ${flags} true`), env(extra)), re, flags);
});
