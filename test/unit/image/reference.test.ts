// parseReference and the canonical names: a table of valid and invalid references (Docker's grammar).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  candidateNames, localName, parseReference, remoteName, splitName, type ParsedReference,
} from '../../../client/image/reference.js';
import { MyctrError } from '../../../client/runtime/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

const VALID: [string, ParsedReference][] = [
  ['busybox', { name: 'busybox', tag: 'latest' }],
  ['busybox:1.36', { name: 'busybox', tag: '1.36' }],
  ['library/alpine:3.20', { name: 'library/alpine', tag: '3.20' }],
  ['localhost/busybox', { registry: 'localhost', name: 'busybox', tag: 'latest' }],
  ['localhost:5000/a/b:1', { registry: 'localhost:5000', name: 'a/b', tag: '1' }],
  ['localhost:5000/a/b', { registry: 'localhost:5000', name: 'a/b', tag: 'latest' }],
  ['docker.io/library/alpine', { registry: 'docker.io', name: 'library/alpine', tag: 'latest' }],
  ['quay.io/org/img_x.y-z:v1.0-rc_1', { registry: 'quay.io', name: 'org/img_x.y-z', tag: 'v1.0-rc_1' }],
  [`busybox@${D}`, { name: 'busybox', digest: D }],
  [`busybox:1@${D}`, { name: 'busybox', tag: '1', digest: D }],
  ['a__b/c--d', { name: 'a__b/c--d', tag: 'latest' }],
];

test('valid references parse to registry/name/tag/digest', () => {
  for (const [ref, want] of VALID) assert.deepEqual(parseReference(ref), want, ref);
});

const INVALID: [string, RegExp][] = [
  ['', /empty/],
  ['Busybox', /lowercase/],
  ['busybox:', /invalid tag/],
  ['busybox:-x', /invalid tag/],
  [':tag', /missing name/],
  ['a//b', /path component/],
  ['-a', /path component/],
  ['a_', /path component/],
  ['busybox@sha256:abc', /digest/],
  ['busybox@md5:' + 'a'.repeat(32), /digest/],
  ['exa_mple.com/a', /invalid registry/],
  ['a:b:c', /path component/],
  [`${'a'.repeat(256)}`, /longer than 255/],
];

test('invalid references throw UsageError with a hint', () => {
  for (const [ref, why] of INVALID) {
    assert.throws(() => parseReference(ref), (err: unknown) => {
      assert.ok(err instanceof MyctrError, ref);
      assert.equal(err.code, 'MYCTR_USAGE');
      assert.match(err.message, why, ref);
      assert.ok(err.hint);
      return true;
    }, ref);
  }
});

test('local names go under localhost/, remote ones under docker.io (library/ for one component)', () => {
  assert.equal(localName('busybox'), 'localhost/busybox:latest');
  assert.equal(localName('mybox:1'), 'localhost/mybox:1');
  assert.equal(localName('localhost:5000/a/b:1'), 'localhost:5000/a/b:1');
  assert.equal(remoteName('alpine:3.20'), 'docker.io/library/alpine:3.20');
  assert.equal(remoteName('index.docker.io/alpine'), 'docker.io/library/alpine:latest');
  assert.equal(remoteName('user/repo'), 'docker.io/user/repo:latest');
  assert.throws(() => localName(`x@${D}`), /digest/);
});

test('short names are looked up under localhost/ first, then Docker Hub', () => {
  assert.deepEqual(candidateNames(parseReference('busybox')), ['localhost/busybox:latest', 'docker.io/library/busybox:latest']);
  assert.deepEqual(candidateNames(parseReference('quay.io/a/b:2')), ['quay.io/a/b:2']);
  assert.deepEqual(candidateNames(parseReference('docker.io/alpine')), ['docker.io/library/alpine:latest']);
});

test('splitName gives the REPOSITORY and TAG columns', () => {
  assert.deepEqual(splitName('localhost/busybox:latest'), { repository: 'localhost/busybox', tag: 'latest' });
  assert.deepEqual(splitName('localhost:5000/a/b:1'), { repository: 'localhost:5000/a/b', tag: '1' });
  assert.deepEqual(splitName(`docker.io/library/a@${D}`), { repository: 'docker.io/library/a', tag: '<none>' });
});
