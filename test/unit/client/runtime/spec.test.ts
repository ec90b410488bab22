// client/runtime/spec.ts: Docker's command/env merge rules, the capability set and buildSpec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../../client/runtime/errors.js';
import { DEFAULT_CAPABILITIES, DEFAULT_PATH } from '../../../../client/runtime/setup/defaults.js';
import {
  buildSpec, computeCapabilities, mergeCommand, mergeEnv, type ImageRunConfig, type RunOptions,
} from '../../../../client/runtime/spec.js';
import { CAPABILITIES } from '../../../../sys/constants.js';

/** Every capability in kernel order, as capNamesAll() returns on a current kernel. */
const ALL_CAPS = Object.entries(CAPABILITIES).sort((a, b) => a[1] - b[1]).map(([n]) => n);

function runOpts(o: Partial<RunOptions> = {}): RunOptions {
  return {
    args: [], env: [], interactive: false, tty: false, readOnly: false, rm: false, mounts: [], network: 'none',
    privileged: false, capAdd: [], capDrop: [], noNewPrivileges: false, groupAdd: [], dns: [], addHosts: [], ...o,
  };
}

const IMG: ImageRunConfig = { Entrypoint: ['/entry.sh', '--flag'], Cmd: ['serve', '--port', '80'] };

test('mergeCommand follows Docker\'s ENTRYPOINT/CMD table', () => {
  const cases: [string, Pick<RunOptions, 'args' | 'entrypoint'>, ImageRunConfig, string[]][] = [
    ['image entrypoint + cmd', { args: [] }, IMG, ['/entry.sh', '--flag', 'serve', '--port', '80']],
    ['args replace cmd', { args: ['sh', '-c', 'x'] }, IMG, ['/entry.sh', '--flag', 'sh', '-c', 'x']],
    ['--entrypoint drops the image cmd', { args: [], entrypoint: '/bin/echo' }, IMG, ['/bin/echo']],
    ['--entrypoint with args', { args: ['hi'], entrypoint: '/bin/echo' }, IMG, ['/bin/echo', 'hi']],
    ['--entrypoint "" clears it', { args: ['ls', '/'], entrypoint: '' }, IMG, ['ls', '/']],
    ['cmd only', { args: [] }, { Cmd: ['/bin/sh'] }, ['/bin/sh']],
    ['entrypoint only', { args: [] }, { Entrypoint: ['/init'] }, ['/init']],
    ['args with no image config', { args: ['true'] }, {}, ['true']],
  ];
  for (const [name, opts, img, want] of cases) assert.deepEqual(mergeCommand(opts, img), want, name);
});

test('mergeCommand without any command is a UsageError with a hint', () => {
  const cases: [Pick<RunOptions, 'args' | 'entrypoint'>, ImageRunConfig][] = [
    [{ args: [] }, {}], [{ args: [], entrypoint: '' }, IMG], [{ args: [] }, { Cmd: [], Entrypoint: [] }],
  ];
  for (const [opts, img] of cases) {
    assert.throws(() => mergeCommand(opts, img), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.code, 'MYCTR_USAGE');
      assert.equal(err.message, 'no command specified');
      assert.match(err.hint ?? '', /command after the image name/);
      return true;
    });
  }
});

test('mergeEnv: image env first, PATH default, HOSTNAME, then user env', () => {
  assert.deepEqual(mergeEnv(['A=1', 'B=x=y'], [], { hostname: 'h1', tty: false }),
    ['A=1', 'B=x=y', `PATH=${DEFAULT_PATH}`, 'HOSTNAME=h1']);
  assert.deepEqual(mergeEnv(undefined, ['Z=26'], { hostname: 'h', tty: false }),
    [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=h', 'Z=26']);
});

test('mergeEnv keeps the image PATH and lets user values win in place', () => {
  const env = mergeEnv(['PATH=/opt/bin', 'A=1', 'B=2'], ['B=3', 'C=4', 'A=5', 'PATH=/x'], { hostname: 'h', tty: false });
  assert.deepEqual(env, ['PATH=/x', 'A=5', 'B=3', 'HOSTNAME=h', 'C=4']);
});

test('mergeEnv sets TERM=xterm only with a tty and never over an image or user TERM', () => {
  assert.ok(!mergeEnv([], [], { hostname: 'h', tty: false }).some((e) => e.startsWith('TERM=')));
  assert.ok(mergeEnv([], [], { hostname: 'h', tty: true }).includes('TERM=xterm'));
  assert.ok(mergeEnv(['TERM=vt100'], [], { hostname: 'h', tty: true }).includes('TERM=vt100'));
  const user = mergeEnv([], ['TERM=dumb'], { hostname: 'h', tty: true });
  assert.deepEqual(user.filter((e) => e.startsWith('TERM=')), ['TERM=dumb']);
});

test('mergeEnv: HOSTNAME overrides the image\'s, the user\'s overrides it; empty values and bad image entries', () => {
  assert.deepEqual(mergeEnv(['HOSTNAME=img', 'NOEQ', '=v', 'E='], ['HOSTNAME=mine'], { hostname: 'h', tty: false }),
    ['HOSTNAME=mine', 'E=', `PATH=${DEFAULT_PATH}`]);
});

const caps = (o: Partial<Pick<RunOptions, 'capAdd' | 'capDrop' | 'privileged'>>) =>
  computeCapabilities({ capAdd: [], capDrop: [], privileged: false, ...o }, ALL_CAPS);
const inKernelOrder = (names: readonly string[]) => ALL_CAPS.filter((c) => names.includes(c));

test('computeCapabilities: the default set, in kernel order', () => {
  const got = caps({});
  assert.deepEqual(got, inKernelOrder(DEFAULT_CAPABILITIES));
  assert.deepEqual(got.slice(0, 3), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER']);
  assert.ok(!got.includes('CAP_SYS_ADMIN'));
});

test('computeCapabilities: add and drop, with or without CAP_, in any case', () => {
  const got = caps({ capAdd: ['net_admin', 'CAP_SYS_PTRACE', 'Cap_Net_Raw'], capDrop: ['chown', 'CAP_KILL'] });
  assert.deepEqual(got, inKernelOrder([...DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_CHOWN' && c !== 'CAP_KILL'),
    'CAP_NET_ADMIN', 'CAP_SYS_PTRACE', 'CAP_NET_RAW']));
  // Added caps land at their kernel position, not at the end.
  assert.ok(got.indexOf('CAP_NET_ADMIN') < got.indexOf('CAP_SETFCAP'));
});

test('computeCapabilities: --cap-drop ALL keeps only the added ones', () => {
  assert.deepEqual(caps({ capDrop: ['ALL'] }), []);
  assert.deepEqual(caps({ capDrop: ['all'], capAdd: ['NET_BIND_SERVICE', 'chown'] }), ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE']);
});

test('computeCapabilities: --cap-add ALL gives every cap, minus the dropped ones (docker run --cap-add=ALL --cap-drop=MKNOD)', () => {
  assert.deepEqual(caps({ capAdd: ['ALL'] }), ALL_CAPS);
  assert.deepEqual(caps({ capAdd: ['ALL'], capDrop: ['MKNOD', 'cap_sys_admin'] }),
    ALL_CAPS.filter((c) => c !== 'CAP_MKNOD' && c !== 'CAP_SYS_ADMIN'));
  assert.deepEqual(caps({ capAdd: ['ALL'], capDrop: ['ALL'] }), ALL_CAPS);
});

test('computeCapabilities: --privileged means every cap and ignores add/drop', () => {
  assert.deepEqual(caps({ privileged: true, capDrop: ['ALL'] }), ALL_CAPS);
});

test('computeCapabilities: an unknown name is a UsageError naming it', () => {
  for (const [field, name] of [['capAdd', 'NET_ADMN'], ['capDrop', 'CAP_BOGUS']] as const) {
    assert.throws(() => caps({ [field]: [name] }), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /unknown capability `CAP_(NET_ADMN|BOGUS)`/);
      assert.match(err.hint ?? '', /capabilities\(7\)/);
      return true;
    });
  }
});

function build(o: Partial<RunOptions> = {}, image: ImageRunConfig = { Cmd: ['/bin/sh'] }) {
  return buildSpec({
    id: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', name: 'n', created: '2024-01-01T00:00:00Z',
    imageRef: 'busybox:latest', imageId: 'sha256:abc', image, opts: runOpts(o), allCaps: ALL_CAPS,
  });
}

test('buildSpec: hostname defaults to the first 12 chars of the id and lands in HOSTNAME', () => {
  const spec = build();
  assert.equal(spec.hostname, '0123456789ab');
  assert.ok(spec.process.env.includes('HOSTNAME=0123456789ab'));
  const named = build({ hostname: 'web' });
  assert.equal(named.hostname, 'web');
  assert.ok(named.process.env.includes('HOSTNAME=web'));
});

test('buildSpec: cwd from -w, else the image WorkingDir, else /; a relative one is refused', () => {
  assert.equal(build().process.cwd, '/');
  assert.equal(build({}, { Cmd: ['x'], WorkingDir: '/app' }).process.cwd, '/app');
  assert.equal(build({ workdir: '/srv' }, { Cmd: ['x'], WorkingDir: '/app' }).process.cwd, '/srv');
  assert.throws(() => build({ workdir: 'srv' }), { code: 'MYCTR_USAGE', message: 'the working directory `srv` is invalid' });
  assert.throws(() => build({}, { Cmd: ['x'], WorkingDir: 'app' }), { code: 'MYCTR_USAGE' });
});

test('buildSpec: user from -u, else the image User, else root ("")', () => {
  assert.equal(build().process.user, '');
  assert.equal(build({}, { Cmd: ['x'], User: 'nobody' }).process.user, 'nobody');
  assert.equal(build({ user: '1000:1000' }, { Cmd: ['x'], User: 'nobody' }).process.user, '1000:1000');
});

test('buildSpec copies the run options into the spec', () => {
  const spec = build({ tty: true, interactive: true, rm: true, readOnly: true, network: 'host', noNewPrivileges: true,
    groupAdd: ['audio'], dns: ['1.1.1.1'], addHosts: [{ name: 'db', ip: '10.0.0.2' }], capDrop: ['ALL'], args: ['id'] });
  assert.deepEqual(spec.image, { ref: 'busybox:latest', id: 'sha256:abc' });
  assert.deepEqual(spec.process.args, ['id']);
  assert.equal(spec.process.terminal, true);
  assert.equal(spec.process.stdin, true);
  assert.ok(spec.process.env.includes('TERM=xterm'));
  assert.deepEqual(spec.process.capabilities, []);
  assert.deepEqual(spec.process.groupAdd, ['audio']);
  assert.equal(spec.process.noNewPrivileges, true);
  assert.equal(spec.autoRemove, true);
  assert.equal(spec.readOnly, true);
  assert.equal(spec.network, 'host');
  assert.deepEqual(spec.dns, ['1.1.1.1']);
  assert.deepEqual(spec.addHosts, [{ name: 'db', ip: '10.0.0.2' }]);
});
