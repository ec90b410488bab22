import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenge } from '../../../client/registry/challenge.js';
import { apiHost, isInsecureRegistry } from '../../../client/registry/client.js';
import { remoteTarget } from '../../../client/registry/target.js';

test('Bearer and Basic challenges', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), {
    scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' },
  });
  assert.deepEqual(parseChallenge('Basic realm="test"'), { scheme: 'basic', params: { realm: 'test' } });
  assert.deepEqual(parseChallenge('bearer realm=https://x/t'), { scheme: 'bearer', params: { realm: 'https://x/t' } });
  assert.equal(parseChallenge('Negotiate abc'), undefined);
  assert.equal(parseChallenge(null), undefined);
});

test('remote targets: Docker Hub by default, library/ for one-component names', () => {
  assert.deepEqual(remoteTarget('alpine:3.20'), { registry: 'docker.io', repository: 'library/alpine', ref: '3.20', canonical: 'docker.io/library/alpine:3.20' });
  assert.deepEqual(remoteTarget('127.0.0.1:5000/team/app:1.2'), { registry: '127.0.0.1:5000', repository: 'team/app', ref: '1.2', canonical: '127.0.0.1:5000/team/app:1.2' });
  const d = `sha256:${'b'.repeat(64)}`;
  assert.equal(remoteTarget(`quay.io/x/y@${d}`).ref, d);
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
});

test('plain http only for loopback and listed registries', () => {
  assert.equal(isInsecureRegistry('127.0.0.1:5000', {}), true);
  assert.equal(isInsecureRegistry('localhost', {}), true);
  assert.equal(isInsecureRegistry('quay.io', {}), false);
  assert.equal(isInsecureRegistry('reg.lan:5000', { MYCTR_INSECURE_REGISTRIES: 'a, reg.lan:5000' }), true);
});
