// client/build/parse.ts + instructions.ts + stages.ts: a table of tricky Containerfiles → the instructions
// they mean, and a table of broken ones → the file:line error they give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseContainerfile } from '../../../../client/build/stages.js';
import { parseDockerfile } from '../../../../client/build/parse.js';

/** Instructions without positions/originals, for compact expectations. */
function shapes(text: string): unknown[] {
  const cf = parseContainerfile(text);
  return [...cf.globalArgs, ...cf.stages.flatMap((s) => [s.from, ...s.steps])].map((i) => {
    const { pos: _p, original: _o, ...rest } = i;
    return rest;
  });
}

const GOOD: { name: string; text: string; expect: unknown[] }[] = [
  {
    name: 'keywords are case-insensitive, shell vs exec form',
    text: 'from busybox\nrun echo hi\nCMD ["sh", "-c", "echo"]\nENTRYPOINT top -b',
    expect: [
      { kind: 'from', image: 'busybox' },
      { kind: 'run', command: { form: 'shell', text: 'echo hi' }, heredocs: [], mounts: [] },
      { kind: 'cmd', command: { form: 'exec', args: ['sh', '-c', 'echo'] } },
      { kind: 'entrypoint', command: { form: 'shell', text: 'top -b' } },
    ],
  },
  {
    name: 'invalid JSON falls back to shell form',
    text: "FROM a\nCMD ['single', 'quotes']",
    expect: [{ kind: 'from', image: 'a' }, { kind: 'cmd', command: { form: 'shell', text: "['single', 'quotes']" } }],
  },
  {
    name: 'continuations join lines; comments and blank lines inside are dropped',
    text: 'FROM a\nRUN echo one \\\n# a comment\n\n    two \\  \n three',
    expect: [{ kind: 'from', image: 'a' }, { kind: 'run', command: { form: 'shell', text: 'echo one     two  three' }, heredocs: [], mounts: [] }],
  },
  {
    name: 'escape directive changes the continuation character',
    text: '# escape=`\nFROM a\nRUN dir c:\\ `\n  /w',
    expect: [{ kind: 'from', image: 'a' }, { kind: 'run', command: { form: 'shell', text: 'dir c:\\   /w' }, heredocs: [], mounts: [] }],
  },
  {
    name: 'ARG before FROM, FROM with platform and AS',
    text: 'ARG BASE=busybox\nARG V\nFROM --platform=linux/amd64 ${BASE}:$V AS Build',
    expect: [
      { kind: 'arg', args: [{ name: 'BASE', rawDefault: 'busybox' }] },
      { kind: 'arg', args: [{ name: 'V' }] },
      { kind: 'from', image: '${BASE}:$V', alias: 'build', platform: 'linux/amd64' },
    ],
  },
  {
    name: 'ENV both forms, quotes kept raw for later expansion',
    text: 'FROM a\nENV A=1 B="two words" C=\'$lit\'\nENV LEGACY some value here',
    expect: [
      { kind: 'from', image: 'a' },
      { kind: 'env', pairs: [{ key: 'A', rawValue: '1' }, { key: 'B', rawValue: '"two words"' }, { key: 'C', rawValue: "'$lit'" }] },
      { kind: 'env', pairs: [{ key: 'LEGACY', rawValue: 'some value here' }] },
    ],
  },
  {
    name: 'heredoc RUN with <<-, quoted terminator and two heredocs',
    text: 'FROM a\nRUN <<-EOF\n\techo $HOME\n\tEOF\nRUN cat <<"A" > /x && cat <<B\n$no\nA\nb\nB\nCMD x',
    expect: [
      { kind: 'from', image: 'a' },
      { kind: 'run', command: { form: 'shell', text: '<<-EOF' }, heredocs: [{ name: 'EOF', content: 'echo $HOME\n', expand: true }], mounts: [] },
      { kind: 'run', command: { form: 'shell', text: 'cat <<"A" > /x && cat <<B' }, mounts: [],
        heredocs: [{ name: 'A', content: '$no\n', expand: false }, { name: 'B', content: 'b\n', expand: true }] },
      { kind: 'cmd', command: { form: 'shell', text: 'x' } },
    ],
  },
  {
    name: 'COPY heredoc, flags, JSON form with spaces',
    text: 'FROM a\nCOPY --chown=1:2 --chmod=0640 --link <<EOF /etc/conf\nk=v\nEOF\nCOPY --from=build ["a b", "/dst dir/"]',
    expect: [
      { kind: 'from', image: 'a' },
      { kind: 'copy', sources: ['<<EOF'], dest: '/etc/conf', heredocs: [{ name: 'EOF', content: 'k=v\n', expand: true }],
        flags: { chown: '1:2', chmod: '0640', link: true, parents: false, exclude: [] }, keepGitDir: false },
      { kind: 'copy', sources: ['a b'], dest: '/dst dir/', heredocs: [], flags: { from: 'build', link: false, parents: false, exclude: [] }, keepGitDir: false },
    ],
  },
  {
    name: 'RUN flags repeat (mounts) and ADD --checksum',
    text: 'FROM a\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none make\nADD --checksum=sha256:00 https://x/y.tgz /y',
    expect: [
      { kind: 'from', image: 'a' },
      { kind: 'run', command: { form: 'shell', text: 'make' }, heredocs: [], mounts: ['type=cache,target=/c', 'type=tmpfs,target=/t'], network: 'none' },
      { kind: 'add', sources: ['https://x/y.tgz'], dest: '/y', heredocs: [], flags: { link: false, parents: false, exclude: [] }, checksum: 'sha256:00', keepGitDir: false },
    ],
  },
  {
    name: 'metadata instructions',
    text: 'FROM a\nLABEL a=b "c d"=e\nEXPOSE 80 53/udp\nVOLUME ["/v1", "/v2"]\nVOLUME /v3 /v4\nSHELL ["/bin/bash", "-c"]\nSTOPSIGNAL SIGTERM\nUSER app:app\nWORKDIR /srv\nMAINTAINER me <me@x>\nONBUILD RUN echo hi\nHEALTHCHECK --interval=5s CMD true\nHEALTHCHECK NONE',
    expect: [
      { kind: 'from', image: 'a' },
      { kind: 'label', pairs: [{ key: 'a', rawValue: 'b' }, { key: 'c d', rawValue: 'e' }] },
      { kind: 'expose', raw: ['80', '53/udp'] },
      { kind: 'volume', raw: ['/v1', '/v2'] },
      { kind: 'volume', raw: ['/v3', '/v4'] },
      { kind: 'shell', args: ['/bin/bash', '-c'] },
      { kind: 'stopsignal', raw: 'SIGTERM' },
      { kind: 'user', raw: 'app:app' },
      { kind: 'workdir', raw: '/srv' },
      { kind: 'maintainer', raw: 'me <me@x>' },
      { kind: 'onbuild', trigger: 'RUN echo hi' },
      { kind: 'healthcheck', none: false, command: { form: 'shell', text: 'true' }, options: { interval: '5s' } },
      { kind: 'healthcheck', none: true },
    ],
  },
];

for (const c of GOOD) {
  test(`parses: ${c.name}`, () => {
    assert.deepEqual(shapes(c.text), c.expect);
  });
}

const BAD: { name: string; text: string; message: RegExp }[] = [
  { name: 'unknown instruction', text: 'FROM a\n\nFOO bar', message: /^Containerfile:3: unknown instruction: FOO: `FOO bar`$/ },
  { name: 'instruction before FROM', text: 'RUN x\nFROM a', message: /^Containerfile:1: no build stage in current context/ },
  { name: 'no FROM at all', text: '# just a comment\n', message: /has no FROM/ },
  { name: 'unterminated heredoc', text: 'FROM a\nRUN <<EOF\necho', message: /^Containerfile:2: unterminated heredoc `EOF`/ },
  { name: 'unknown flag', text: 'FROM a\nCOPY --frm=x a b', message: /^Containerfile:2: unknown flag --frm for COPY/ },
  { name: 'COPY with one argument', text: 'FROM a\nCOPY onlyone', message: /COPY requires at least two arguments/ },
  { name: 'FROM with two words', text: 'FROM a b', message: /FROM requires either one or three arguments/ },
  { name: 'duplicate stage name', text: 'FROM a AS x\nFROM b AS X', message: /^Containerfile:2: duplicate stage name `x`/ },
  { name: 'SHELL in shell form', text: 'FROM a\nSHELL /bin/bash -c', message: /SHELL requires the arguments to be in JSON form/ },
  { name: 'bad escape directive', text: '# escape=x\nFROM a', message: /invalid escape token/ },
  { name: 'LABEL without value', text: 'FROM a\nLABEL foo', message: /LABEL requires key=value pairs/ },
  { name: 'ONBUILD FROM', text: 'FROM a\nONBUILD FROM b', message: /FROM isn't allowed as an ONBUILD trigger/ },
  { name: 'line number after continuation', text: 'FROM a\nRUN a \\\n b\nBAD', message: /^Containerfile:4: unknown instruction: BAD/ },
  { name: 'bad chmod', text: 'FROM a\nCOPY --chmod=rwx a b', message: /invalid --chmod/ },
  { name: 'COPY --exclude (not implemented)', text: 'FROM a\nCOPY --exclude=*.md . /x', message: /COPY --exclude is not supported yet/ },
];

for (const c of BAD) {
  test(`rejects: ${c.name}`, () => {
    assert.throws(() => parseContainerfile(c.text), (err: Error & { code?: string; hint?: string }) => {
      assert.equal(err.code, 'MYCTR_BUILD');
      assert.match(err.message, c.message);
      return true;
    });
  });
}

test('directives: only at the top, unknown ones end the block', () => {
  assert.deepEqual(parseDockerfile('# syntax=docker/dockerfile:1\n# escape=\\\nFROM a').directives, { syntax: 'docker/dockerfile:1', escape: '\\' });
  assert.deepEqual(parseDockerfile('FROM a\n# escape=`\nRUN x `').directives, {});
  assert.deepEqual(parseDockerfile('# comment\n# escape=`\nFROM a').directives, {});
});

test('a CRLF file parses like an LF one', () => {
  assert.deepEqual(shapes('FROM a\r\nRUN echo \\\r\n hi\r\n'), shapes('FROM a\nRUN echo \\\n hi\n'));
});
