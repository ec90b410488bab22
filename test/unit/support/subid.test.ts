// Unit tests for test/support/subid.ts: subuid/subgid and passwd parsing used by rmInUserns and probes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePasswd, parseSubidFile, rangesFor } from '../../support/subid.js';

describe('parseSubidFile', () => {
  it('parses name:start:count lines and skips blanks and comments', () => {
    const text = '# comment\n\nalice:100000:65536\n  bob:165536:65536  \n1001:231072:1000\n';
    assert.deepEqual(parseSubidFile(text), [
      { owner: 'alice', start: 100000, count: 65536 },
      { owner: 'bob', start: 165536, count: 65536 },
      { owner: '1001', start: 231072, count: 1000 },
    ]);
  });

  it('drops malformed lines and zero-length ranges', () => {
    const text = 'a:1:2:3\nb:x:10\nc:10:\n:10:10\nd:-1:10\ne:10:0\nok:5:5';
    assert.deepEqual(parseSubidFile(text), [{ owner: 'ok', start: 5, count: 5 }]);
  });
});

describe('rangesFor', () => {
  const ranges = parseSubidFile('alice2:1:10\nalice:100000:65536\n1000:300000:10\nalice:400000:5\n');

  it('matches by exact name and by decimal uid, in file order', () => {
    assert.deepEqual(
      rangesFor(ranges, { name: 'alice', uid: 1000 }).map((r) => r.start),
      [100000, 300000, 400000],
    );
  });

  it('does not match a name that only shares a prefix', () => {
    assert.deepEqual(rangesFor(ranges, { name: 'alic', uid: 5 }), []);
    assert.deepEqual(rangesFor(ranges, { name: 'alice2', uid: 5 }).map((r) => r.start), [1]);
  });
});

describe('parsePasswd', () => {
  it('reads name, uid, gid and home', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\nmyctr-test:x:1001:1002::/home/myctr-test:/bin/sh\nbroken\n');
    assert.deepEqual(users, [
      { name: 'root', uid: 0, gid: 0, home: '/root' },
      { name: 'myctr-test', uid: 1001, gid: 1002, home: '/home/myctr-test' },
    ]);
  });
});
