// client/runtime/idmap.ts: subuid/subgid parsing, range selection and the mapping plan (pure parts only;
// writeIdMaps needs a real user namespace and is covered by the integration tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  mappedCount, parseSubIdFile, planIdMap, rangesFor, toHostId, type SubIdRange,
} from '../../../../client/runtime/idmap.js';

test('parseSubIdFile reads name:start:count lines and skips comments and blank lines', () => {
  const text = '# subordinate ids\n\nalice:100000:65536\n  \n   # indented comment\nbob:165536:65536\n';
  assert.deepEqual(parseSubIdFile(text), [
    { owner: 'alice', start: 100000, count: 65536 },
    { owner: 'bob', start: 165536, count: 65536 },
  ]);
});

test('parseSubIdFile trims surrounding whitespace and CRLF line ends', () => {
  assert.deepEqual(parseSubIdFile('  alice:100000:65536  \r\nbob:1:2\r\n'), [
    { owner: 'alice', start: 100000, count: 65536 },
    { owner: 'bob', start: 1, count: 2 },
  ]);
});

test('parseSubIdFile skips malformed lines and keeps the good ones around them', () => {
  const bad = [
    'alice:100000', // two fields
    'alice:100000:65536:extra', // four fields
    ':100000:65536', // no owner
    'alice::65536', // empty start
    'alice:100000:', // empty count
    'alice:-1:65536', // negative
    'alice:1e5:65536', // not decimal digits
    'alice:0x10:65536',
    'alice:100000:65536x',
    'alice: 100000:65536', // inner whitespace
    'alice:12345678901:1', // 11 digits
  ];
  const text = ['carol:200000:10', ...bad, 'dave:300000:20'].join('\n');
  assert.deepEqual(parseSubIdFile(text), [
    { owner: 'carol', start: 200000, count: 10 },
    { owner: 'dave', start: 300000, count: 20 },
  ]);
});

test('parseSubIdFile skips zero-length ranges', () => {
  assert.deepEqual(parseSubIdFile('alice:100000:0\nbob:100000:1\n'), [{ owner: 'bob', start: 100000, count: 1 }]);
});

test('parseSubIdFile refuses ranges whose start+count exceeds 2^32-1 (CVE-2016-6252 class)', () => {
  // The kernel rejects an extent with lower_first + count wrapping u32, and (uid_t)-1 is never a valid id.
  const ok = parseSubIdFile('a:4294967294:1\nb:4294901759:65536\nc:0:4294967295\n');
  assert.deepEqual(ok.map((r) => r.owner), ['a', 'b', 'c']);
  const over = parseSubIdFile('a:4294967295:1\nb:4294901760:65536\nc:4294967294:2\nd:9999999999:1\ne:1:4294967295\n');
  assert.deepEqual(over, []);
});

test('parseSubIdFile accepts numeric owners as strings', () => {
  assert.deepEqual(parseSubIdFile('1000:100000:65536'), [{ owner: '1000', start: 100000, count: 65536 }]);
});

const RANGES: SubIdRange[] = [
  { owner: 'alice', start: 100000, count: 65536 },
  { owner: '1001', start: 165536, count: 65536 },
  { owner: 'bob', start: 231072, count: 65536 },
  { owner: '1000', start: 296608, count: 1000 },
];

test('rangesFor matches by name and by numeric uid, in file order', () => {
  assert.deepEqual(rangesFor(RANGES, 'alice', 1000), [RANGES[0], RANGES[3]]);
  assert.deepEqual(rangesFor(RANGES, 'carol', 1001), [RANGES[1]]);
  assert.deepEqual(rangesFor(RANGES, 'bob', 4242), [RANGES[2]]);
  assert.deepEqual(rangesFor(RANGES, 'nobody', 65534), []);
});

test('rangesFor does not treat a name as a prefix or a uid as a substring', () => {
  const ranges: SubIdRange[] = [{ owner: 'alice2', start: 1, count: 1 }, { owner: '10001', start: 2, count: 1 }];
  assert.deepEqual(rangesFor(ranges, 'alice', 1000), []);
});

test('planIdMap falls back to a single mapping when subuid ranges are missing', () => {
  const plan = planIdMap(1000, 1000, [], [RANGES[0]!]);
  assert.deepEqual(plan, {
    uidMap: [{ inner: 0, outer: 1000, count: 1 }],
    gidMap: [{ inner: 0, outer: 1000, count: 1 }],
    single: true,
  });
});

test('planIdMap falls back to a single mapping when subgid ranges are missing', () => {
  const plan = planIdMap(1000, 2000, [RANGES[0]!], []);
  assert.equal(plan.single, true);
  assert.deepEqual(plan.uidMap, [{ inner: 0, outer: 1000, count: 1 }]);
  assert.deepEqual(plan.gidMap, [{ inner: 0, outer: 2000, count: 1 }]);
});

test('planIdMap maps 0 to the user and concatenates the ranges from inner id 1', () => {
  const sub: SubIdRange[] = [{ owner: 'u', start: 100000, count: 65536 }, { owner: 'u', start: 300000, count: 10 }];
  const subg: SubIdRange[] = [{ owner: 'u', start: 500000, count: 65536 }];
  const plan = planIdMap(1000, 1001, sub, subg);
  assert.equal(plan.single, false);
  assert.deepEqual(plan.uidMap, [
    { inner: 0, outer: 1000, count: 1 },
    { inner: 1, outer: 100000, count: 65536 },
    { inner: 65537, outer: 300000, count: 10 },
  ]);
  assert.deepEqual(plan.gidMap, [
    { inner: 0, outer: 1001, count: 1 },
    { inner: 1, outer: 500000, count: 65536 },
  ]);
});

test('mappedCount is the highest mapped inner id + 1', () => {
  const plan = planIdMap(1000, 1000, [{ owner: 'u', start: 100000, count: 65536 }], [{ owner: 'u', start: 1, count: 5 }]);
  assert.equal(mappedCount(plan.uidMap), 65537);
  assert.equal(mappedCount(plan.gidMap), 6);
  assert.equal(mappedCount([{ inner: 0, outer: 1000, count: 1 }]), 1);
  assert.equal(mappedCount([]), 0);
});

test('toHostId translates inside each line and returns undefined for unmapped ids', () => {
  const lines = [
    { inner: 0, outer: 1000, count: 1 },
    { inner: 1, outer: 100000, count: 65536 },
    { inner: 65537, outer: 300000, count: 10 },
  ];
  assert.equal(toHostId(lines, 0), 1000);
  assert.equal(toHostId(lines, 1), 100000);
  assert.equal(toHostId(lines, 65536), 165535);
  assert.equal(toHostId(lines, 65537), 300000);
  assert.equal(toHostId(lines, 65546), 300009);
  assert.equal(toHostId(lines, 65547), undefined);
  assert.equal(toHostId([{ inner: 0, outer: 1000, count: 1 }], 1), undefined);
  assert.equal(toHostId(lines, -1), undefined);
});
