// Canonical config JSON: sorted keys, no undefined, stable image ids whatever the key order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildOciConfig, canonicalJson, cleanImageConfig, encodeOciConfig, ociArchitecture, sha256Hex,
} from '../../../client/image/config.js';

test('canonicalJson sorts keys recursively, keeps array order, drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson([undefined, 'x']), '[null,"x"]');
});

const base = {
  created: '2024-01-02T03:04:05.000Z',
  diffIds: [`sha256:${'1'.repeat(64)}`],
  history: [{ created: '2024-01-02T03:04:05.000Z', created_by: 'test' }],
  architecture: 'amd64',
};

test('the image id is the sha256 of the canonical JSON and does not depend on key order', () => {
  const a = encodeOciConfig(buildOciConfig({ ...base, config: { Env: ['PATH=/bin'], Cmd: ['sh'] } }));
  const b = encodeOciConfig(buildOciConfig({ ...base, config: { Cmd: ['sh'], Env: ['PATH=/bin'] } }));
  assert.equal(a.json, b.json);
  assert.equal(a.id, b.id);
  assert.equal(a.id, sha256Hex(a.json));
  assert.match(a.id, /^[0-9a-f]{64}$/);
  assert.equal(a.json,
    '{"architecture":"amd64","config":{"Cmd":["sh"],"Env":["PATH=/bin"]},"created":"2024-01-02T03:04:05.000Z",'
    + '"history":[{"created":"2024-01-02T03:04:05.000Z","created_by":"test"}],"os":"linux",'
    + `"rootfs":{"diff_ids":["sha256:${'1'.repeat(64)}"],"type":"layers"}}`);
  // Pinned: a change here changes every image id users already have.
  assert.equal(a.id, 'c3a321526c885e32079f51e81ea5221e8f957c15955a998e15413177967f0e52');
});

test('any change of content or metadata changes the id', () => {
  const id = (over: Partial<typeof base> & { cmd?: string[] }) =>
    encodeOciConfig(buildOciConfig({ ...base, ...over, config: { Cmd: over.cmd ?? ['sh'] } })).id;
  const ref = id({});
  assert.notEqual(id({ cmd: ['bash'] }), ref);
  assert.notEqual(id({ created: '2024-01-02T03:04:06.000Z' }), ref);
  assert.notEqual(id({ diffIds: [`sha256:${'2'.repeat(64)}`] }), ref);
  assert.equal(id({}), ref);
});

test('cleanImageConfig keeps only the OCI config keys', () => {
  const dirty = { Env: ['A=1'], Bogus: 1, User: '1000', Labels: { a: 'b' } } as unknown as Parameters<typeof cleanImageConfig>[0];
  assert.deepEqual(cleanImageConfig(dirty), { Env: ['A=1'], User: '1000', Labels: { a: 'b' } });
});

test('architecture names follow GOARCH', () => {
  assert.equal(ociArchitecture('x64'), 'amd64');
  assert.equal(ociArchitecture('arm64'), 'arm64');
  assert.equal(ociArchitecture('ia32'), '386');
});
