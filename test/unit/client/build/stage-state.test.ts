// client/build/stage-state.ts: the metadata instructions' effect on the image config (Docker's rules).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMetadata, durationNs, type StageState } from '../../../../client/build/stage-state.js';
import { parseContainerfile } from '../../../../client/build/stages.js';

function run(text: string, base: StageState['config'] = { Env: ['PATH=/bin'], Cmd: ['sh'] }, args: [string, string][] = []): StageState {
  const cf = parseContainerfile(`FROM x\n${text}`);
  const state: StageState = { config: structuredClone(base), layers: [], history: [], args: new Map(args), cmdSet: false, escape: '\\' };
  for (const ins of cf.stages[0]!.steps) state.history.push({ created: '', created_by: applyMetadata(state, ins) });
  return state;
}

test('ENV: both forms, substitution from earlier ENV and ARG, in-place replacement', () => {
  // Docker: values in one ENV instruction see the environment from before it (`def=$abc` gets the old abc).
  const s = run('ENV A=1 B="$A two"\nENV PATH=/usr/bin:$PATH\nENV C ${V:-none} here\nENV D=$A', undefined, [['V', 'arg']]);
  assert.deepEqual(s.config.Env, ['PATH=/usr/bin:/bin', 'A=1', 'B= two', 'C=arg here', 'D=1']);
});

test('ENV wins over ARG in substitution', () => {
  const s = run('ENV V=env\nLABEL v=$V', undefined, [['V', 'arg']]);
  assert.deepEqual(s.config.Labels, { v: 'env' });
});

test('CMD/ENTRYPOINT: shell form through SHELL; ENTRYPOINT resets an inherited CMD but not one set here', () => {
  assert.deepEqual(run('ENTRYPOINT ["top"]').config.Cmd, undefined);
  const s = run('CMD ["-b"]\nENTRYPOINT ["top"]');
  assert.deepEqual([s.config.Entrypoint, s.config.Cmd], [['top'], ['-b']]);
  const sh = run('SHELL ["/bin/bash", "-ec"]\nCMD echo $HOME');
  assert.deepEqual(sh.config.Cmd, ['/bin/bash', '-ec', 'echo $HOME']);
  assert.deepEqual(sh.config.Shell, ['/bin/bash', '-ec']);
});

test('WORKDIR is relative to the previous one; EXPOSE defaults to tcp; VOLUME both forms', () => {
  const s = run('WORKDIR /a\nWORKDIR b/../c\nEXPOSE 80 53/UDP\nVOLUME ["/v"]\nVOLUME /w /x');
  assert.equal(s.config.WorkingDir, '/a/c');
  assert.deepEqual(s.config.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(Object.keys(s.config.Volumes ?? {}), ['/v', '/w', '/x']);
});

test('HEALTHCHECK options in nanoseconds; NONE; USER and STOPSIGNAL substituted', () => {
  const s = run('HEALTHCHECK --interval=1m30s --retries=3 CMD curl -f x\nUSER ${U:-app}\nSTOPSIGNAL SIGINT');
  assert.deepEqual(s.config.Healthcheck, { Test: ['CMD-SHELL', 'curl -f x'], Interval: 90e9, Retries: 3 });
  assert.equal(s.config.User, 'app');
  assert.equal(s.config.StopSignal, 'SIGINT');
  assert.deepEqual(run('HEALTHCHECK NONE').config.Healthcheck, { Test: ['NONE'] });
});

test('history text of metadata steps', () => {
  const s = run('ENV A=1\nCMD ["x"]\nONBUILD RUN make');
  assert.deepEqual(s.history.map((h) => h.created_by), ['ENV A=1', 'CMD ["x"]', 'ONBUILD RUN make']);
  assert.deepEqual(s.config.OnBuild, ['RUN make']);
});

test('a bad substitution or port is a file:line error', () => {
  assert.throws(() => run('ENV A=${B:?required}'), /Containerfile:2: B: required/);
  assert.throws(() => run('EXPOSE eighty'), /Containerfile:2: invalid port `eighty`/);
});

test('durationNs', () => {
  assert.equal(durationNs('500ms'), 5e8);
  assert.equal(durationNs('1h2m'), 3720e9);
  assert.throws(() => durationNs('10'), /invalid duration/);
});
