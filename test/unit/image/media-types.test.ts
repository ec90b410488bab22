import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatWarnings, layerMediaType } from '../../../client/image/media-types.js';

test('layer media types per compression and style', () => {
  assert.equal(layerMediaType('gzip', 'oci'), 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.equal(layerMediaType('zstd', 'oci'), 'application/vnd.oci.image.layer.v1.tar+zstd');
  assert.equal(layerMediaType('none', 'oci'), 'application/vnd.oci.image.layer.v1.tar');
  assert.equal(layerMediaType('gzip', 'docker'), 'application/vnd.docker.image.rootfs.diff.tar.gzip');
  assert.throws(() => layerMediaType('zstd', 'docker'), /cannot be written as a docker layer/);
  assert.throws(() => layerMediaType('xz', 'oci'), /xz-compressed/);
});

test('OCI targets warn about Docker-only config fields, once, naming them', () => {
  assert.deepEqual(formatWarnings('oci-archive', { Cmd: ['x'] }), []);
  const w = formatWarnings('oci', { Healthcheck: {}, OnBuild: ['RUN x'] });
  assert.equal(w.length, 1);
  assert.match(w[0]!, /Healthcheck, OnBuild/);
  assert.deepEqual(formatWarnings('docker-archive', { Healthcheck: {} }), []);
  assert.deepEqual(formatWarnings('myctr', { Shell: ['/bin/sh'] }), []);
});
