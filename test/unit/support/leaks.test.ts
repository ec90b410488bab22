// Unit tests for the pure parts of test/support/leaks.ts: mountinfo parsing, prefix matching, ppid
// parsing and snapshot diffs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { diffSnapshots, isUnder, parseMountinfo, parsePpid, type LeakSnapshot } from '../../support/leaks.js';

describe('parseMountinfo', () => {
  it('reads mount point, fs type and source around optional fields', () => {
    const text =
      '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n' +
      '40 36 0:50 / /tmp/my\\040dir/merged rw - overlay overlay rw,lowerdir=/l\n';
    assert.deepEqual(parseMountinfo(text), [
      { id: 36, parentId: 35, mountPoint: '/mnt2', fsType: 'ext3', source: '/dev/root' },
      { id: 40, parentId: 36, mountPoint: '/tmp/my dir/merged', fsType: 'overlay', source: 'overlay' },
    ]);
  });

  it('throws on a line without the separator', () => {
    assert.throws(() => parseMountinfo('1 2 0:1 / /x rw ext4 /dev/x rw\n'), /malformed mountinfo line/);
  });

  it("parses this process's real mountinfo", () => {
    const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
    assert.ok(mounts.some((m) => m.mountPoint === '/'), 'no root mount found');
  });
});

describe('isUnder', () => {
  it('matches the prefix itself and paths below it only', () => {
    assert.equal(isUnder('/tmp/a', '/tmp/a'), true);
    assert.equal(isUnder('/tmp/a/b', '/tmp/a'), true);
    assert.equal(isUnder('/tmp/a/b', '/tmp/a/'), true);
    assert.equal(isUnder('/tmp/ab', '/tmp/a'), false);
    assert.equal(isUnder('/tmp', '/tmp/a'), false);
    assert.equal(isUnder('/anything', '/'), true);
  });
});

describe('parsePpid', () => {
  it('skips a comm containing spaces and parentheses', () => {
    assert.equal(parsePpid('1234 (my (odd) name) S 77 1234 1234 0 -1'), 77);
  });
});

describe('diffSnapshots', () => {
  const empty: LeakSnapshot = { mounts: [], markedProcs: [], children: [], fds: ['0 -> /dev/null'] };

  it('reports only what is new, labelled by category', () => {
    const after: LeakSnapshot = {
      mounts: ['50 /tmp/t/m (overlay)'],
      markedProcs: ['99: sleep /tmp/t'],
      children: [],
      fds: ['0 -> /dev/null', '7 -> pipe:[123]'],
    };
    assert.deepEqual(diffSnapshots(empty, after), [
      'mount 50 /tmp/t/m (overlay)',
      'process 99: sleep /tmp/t',
      'fd 7 -> pipe:[123]',
    ]);
  });

  it('ignores things that went away', () => {
    assert.deepEqual(diffSnapshots({ ...empty, mounts: ['1 /x (tmpfs)'] }, empty), []);
  });
});
