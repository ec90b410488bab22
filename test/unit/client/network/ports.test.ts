// client/network/ports.ts: -p parsing (addresses, ranges, protocols, random host ports), ExposedPorts, merging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../../client/runtime/errors.js';
import { exposedToPublish, findDuplicate, mergePublish, parsePublish } from '../../../../client/network/ports.js';

const m = (hostIp: string, hostPort: number, containerPort: number, protocol: 'tcp' | 'udp' = 'tcp') => ({ hostIp, hostPort, containerPort, protocol });

test('parsePublish: the forms Docker accepts', () => {
  assert.deepEqual(parsePublish('8080:80'), [m('0.0.0.0', 8080, 80)]);
  assert.deepEqual(parsePublish('127.0.0.1:8443:443/tcp'), [m('127.0.0.1', 8443, 443)]);
  assert.deepEqual(parsePublish('5353:53/udp'), [m('0.0.0.0', 5353, 53, 'udp')]);
  assert.deepEqual(parsePublish('80'), [m('0.0.0.0', 0, 80)]);
  assert.deepEqual(parsePublish('127.0.0.1::80'), [m('127.0.0.1', 0, 80)]);
  assert.deepEqual(parsePublish('[::1]:8080:80'), [m('::1', 8080, 80)]);
  assert.deepEqual(parsePublish('8000-8002:9000-9002/udp'), [m('0.0.0.0', 8000, 9000, 'udp'), m('0.0.0.0', 8001, 9001, 'udp'), m('0.0.0.0', 8002, 9002, 'udp')]);
  assert.deepEqual(parsePublish('7000-7001'), [m('0.0.0.0', 0, 7000), m('0.0.0.0', 0, 7001)]);
});

test('parsePublish: errors name the value', () => {
  for (const [bad, re] of [
    ['8080:80/sctp', /unsupported protocol `sctp`/], ['x:80', /invalid port `x`/], ['0:80', /invalid port range `0`/],
    ['1.2.3:80:80', /invalid host address `1\.2\.3`/], ['80-70:80-70', /invalid port range/], ['8000-8001:80', /differ in size/],
    ['1:2:3:4', /invalid -p/], ['70000:80', /invalid port range `70000`/],
  ] as const) {
    assert.throws(() => parsePublish(bad), (e: unknown) => e instanceof UsageError && re.test(e.message) && !!e.hint, bad);
  }
});

test('exposedToPublish: keys with and without protocol, ranges; sctp ignored', () => {
  assert.deepEqual(exposedToPublish({ '80/tcp': {}, '53/udp': {}, '8000': {}, '9/sctp': {}, '7000-7001/tcp': {} }),
    // JavaScript lists integer-like keys ('8000') first.
    [m('0.0.0.0', 0, 8000), m('0.0.0.0', 0, 80), m('0.0.0.0', 0, 53, 'udp'), m('0.0.0.0', 0, 7000), m('0.0.0.0', 0, 7001)]);
  assert.deepEqual(exposedToPublish(undefined), []);
});

test('mergePublish: -p wins over -P for the same container port', () => {
  assert.deepEqual(mergePublish([m('0.0.0.0', 8080, 80)], [m('0.0.0.0', 0, 80), m('0.0.0.0', 0, 443)]),
    [m('0.0.0.0', 8080, 80), m('0.0.0.0', 0, 443)]);
});

test('findDuplicate: same host port and protocol, counting the wildcard address', () => {
  assert.equal(findDuplicate([m('0.0.0.0', 80, 1), m('0.0.0.0', 80, 2, 'udp')]), undefined);
  assert.deepEqual(findDuplicate([m('0.0.0.0', 8080, 1), m('127.0.0.1', 8080, 2)]), m('127.0.0.1', 8080, 2));
  assert.deepEqual(findDuplicate([m('127.0.0.1', 8080, 1), m('0.0.0.0', 8080, 2)]), m('0.0.0.0', 8080, 2));
  assert.equal(findDuplicate([m('127.0.0.1', 8080, 1), m('127.0.0.2', 8080, 2)]), undefined);
  assert.equal(findDuplicate([m('0.0.0.0', 0, 1), m('0.0.0.0', 0, 2)]), undefined);
});
