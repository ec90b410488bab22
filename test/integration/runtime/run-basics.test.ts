// `myctr run`: namespaces, id mapping, mounts, /proc and /sys hardening, capabilities. Runs as root and as
// the unprivileged test user (the CI runs the suite twice).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { probes, requireFeature } from '../../support/probes.js';
import { readRanges } from '../../support/subid.js';
import { DEFAULT_CAPS, bit, capsOf, setupRunFixture, type RunFixture } from './run-helpers.js';

const rootless = process.geteuid?.() !== 0;
let fx: RunFixture;

describe('myctr run', () => {
  before(async () => { fx = await setupRunFixture(); });
  after(async () => { await fx?.env.cleanup(); });

  test('echo hello prints hello, exits 0 and leaves no container behind', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const r = await fx.run(['--rm', 'busybox', 'echo', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello\n');
    assert.deepEqual(fx.containerIds(), []);
  });

  test('uid_map and gid_map: container 0 is the user, 1.. the subordinate range', async (t) => {
    if (!requireFeature(t, probes.userns)) return;
    const r = await fx.run(['--rm', 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map']);
    assert.equal(r.code, 0, r.stderr);
    const [uidMap, gidMap] = r.stdout.split('--\n').map((s) => s.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)));
    if (!rootless) {
      assert.deepEqual(uidMap, [[0, 0, 4294967295]], 'root runs without a user namespace');
      return;
    }
    const me = { name: userInfo().username, uid: process.getuid!() };
    const subuid = readRanges('uid', me)[0]!;
    const subgid = readRanges('gid', me)[0]!;
    assert.deepEqual(uidMap![0], [0, process.getuid!(), 1]);
    assert.deepEqual(uidMap![1], [1, subuid.start, subuid.count]);
    assert.deepEqual(gidMap![0], [0, process.getgid!(), 1]);
    assert.deepEqual(gidMap![1], [1, subgid.start, subgid.count]);
  });

  test('id inside is root', async () => {
    const r = await fx.run(['--rm', 'busybox', 'id']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^uid=0\(root\) gid=0\(root\)/);
  });

  test('a file written into a bind-mounted volume belongs to the invoking user on the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myctr-vol-'));
    chmodSync(dir, 0o755);
    try {
      const r = await fx.run(['--rm', '-v', `${dir}:/data`, 'busybox', 'sh', '-c', 'echo x > /data/f; cat /data/f']);
      assert.equal(r.code, 0, r.stderr);
      const st = statSync(join(dir, 'f'));
      assert.equal(st.uid, process.getuid!());
      assert.equal(st.gid, process.getgid!());
      assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'x\n');
      const ro = await fx.run(['--rm', '-v', `${dir}:/data:ro`, 'busybox', 'sh', '-c', 'echo y > /data/g']);
      assert.notEqual(ro.code, 0);
      assert.match(ro.stderr, /Read-only file system/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('host processes are invisible; the command is PID 1', async () => {
    const r = await fx.run(['--rm', 'busybox', 'sh', '-c', 'ps -o pid,comm; true']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows.map((row) => row[1]).sort(), ['ps', 'sh']);
    assert.deepEqual(rows.find((row) => row[1] === 'sh')?.[0], '1');
  });

  test('hostname: the short id by default, --hostname when given', async () => {
    const def = await fx.run(['--rm', 'busybox', 'hostname']);
    assert.match(def.stdout, /^[0-9a-f]{12}\n$/);
    const named = await fx.run(['--rm', '--hostname', 'box1', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; grep box1 /etc/hosts']);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /^box1\nbox1\n.*box1/s);
  });

  test('masked and read-only paths', async () => {
    const script = [
      'cat /proc/keys | wc -c', 'ls /sys/firmware | wc -l',
      'grep -E " /proc/(sys|sysrq-trigger|irq|bus) " /proc/self/mounts | grep -c " ro,"',
      'echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo writable || echo refused',
      'grep " /sys " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1',
    ].join('; ');
    const r = await fx.run(['--rm', 'busybox', 'sh', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    const [keys, firmware, roCount, write, sys] = r.stdout.trim().split('\n').map((s) => s.trim());
    assert.equal(keys, '0', '/proc/keys is masked with /dev/null');
    assert.equal(firmware, '0', '/sys/firmware is masked with an empty tmpfs');
    assert.ok(Number(roCount) >= 2, `read-only /proc paths: ${roCount}`);
    assert.equal(write, 'refused');
    assert.equal(sys, 'ro');
    const priv = await fx.run(['--rm', '--privileged', 'busybox', 'sh', '-c', 'grep -c " /proc/keys " /proc/self/mounts']);
    assert.equal(priv.stdout.trim(), '0', '--privileged unmasks');
  });

  test('capabilities: the default set; --cap-add, --cap-drop and --privileged change it', async () => {
    const status = async (...flags: string[]) => {
      const r = await fx.run(['--rm', ...flags, 'busybox', 'cat', '/proc/self/status']);
      assert.equal(r.code, 0, r.stderr);
      return capsOf(r.stdout);
    };
    const def = await status();
    assert.equal(def.CapEff, DEFAULT_CAPS);
    assert.equal(def.CapBnd, DEFAULT_CAPS);
    assert.equal(def.CapPrm, DEFAULT_CAPS);
    assert.equal(def.CapAmb, 0n);
    const added = await status('--cap-add', 'NET_ADMIN', '--cap-drop', 'CAP_CHOWN');
    assert.equal(added.CapEff, (DEFAULT_CAPS | bit(12)) & ~bit(0));
    assert.equal(added.CapBnd, (DEFAULT_CAPS | bit(12)) & ~bit(0));
    const none = await status('--cap-drop', 'ALL');
    assert.equal(none.CapEff, 0n);
    const priv = await status('--privileged');
    // With a user namespace the container has every cap; as root it keeps the host's bounding set.
    const hostBnd = capsOf(readFileSync('/proc/self/status', 'utf8')).CapBnd!;
    assert.equal(priv.CapBnd, rootless ? (1n << BigInt(Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8')) + 1)) - 1n : hostBnd);
  });

  test('a non-root user gets no effective capabilities, and NoNewPrivs follows the security opt', async () => {
    const r = await fx.run(['--rm', '-u', 'nobody', 'busybox', 'cat', '/proc/self/status']);
    const caps = capsOf(r.stdout);
    assert.equal(caps.CapEff, 0n);
    assert.equal(caps.CapInh, 0n);
    assert.equal(caps.CapBnd, DEFAULT_CAPS);
    assert.equal(caps.NoNewPrivs, 0n);
    const nnp = await fx.run(['--rm', '--security-opt', 'no-new-privileges', 'busybox', 'cat', '/proc/self/status']);
    assert.equal(capsOf(nnp.stdout).NoNewPrivs, 1n);
  });

  test('-e, --env-file, -w and -u apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myctr-env-'));
    try {
      const envFile = join(dir, 'vars');
      writeFileSync(envFile, '# comment\nFROM_FILE=1\nOVERRIDDEN=file\n');
      const r = await fx.run(['--rm', '--env-file', envFile, '-e', 'OVERRIDDEN=flag', '-e', 'B=2', '-w', '/srv/app',
        '-u', '65534:100', 'busybox', 'sh', '-c', 'echo $FROM_FILE $OVERRIDDEN $B; pwd; id -u; id -g; echo $HOME']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^1 flag 2\n\/srv\/app\n65534\n100\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--read-only rootfs, with a writable --tmpfs', async () => {
    const r = await fx.run(['--rm', '--read-only', '--tmpfs', '/scratch', 'busybox', 'sh', '-c',
      'touch /x 2>&1; touch /scratch/ok && echo tmpfs-ok']);
    assert.match(r.stdout, /Read-only file system/);
    assert.match(r.stdout, /tmpfs-ok/);
  });

  test('--network none has only loopback, up; --network host sees the host\'s interfaces', async () => {
    const none = await fx.run(['--rm', 'busybox', 'sh', '-c', 'ls /sys/class/net; ip -o link show lo']);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout.split('\n')[0], 'lo');
    assert.match(none.stdout, /lo:.*UP/);
    const host = await fx.run(['--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net']);
    const hostIfs = readdirSync('/sys/class/net').sort();
    assert.deepEqual(host.stdout.trim().split(/\s+/).sort(), hostIfs);
  });

  test('without --rm the stopped container stays recorded with its exit code', async () => {
    const r = await fx.run(['--name', 'kept', 'busybox', 'sh', '-c', 'exit 7']);
    assert.equal(r.code, 7);
    const st = fx.stateOf('kept');
    assert.equal(st.status, 'stopped');
    assert.equal(st.exitCode, 7);
    const again = await fx.run(['--name', 'kept', 'busybox', 'true']);
    assert.equal(again.code, 125);
    assert.match(again.stderr, /name `kept` is already in use/);
  });
});
