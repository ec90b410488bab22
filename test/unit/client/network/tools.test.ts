// client/network/tools.ts: the default mode rule (pasta when installed and new enough, else slirp4netns)
// and the reason `myctr info` prints for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseDefaultMode, type PastaInfo } from '../../../../client/network/tools.js';

const features = (mapGuestAddr: boolean): PastaInfo['features'] => ({ mapGuestAddr, mapHostLoopback: mapGuestAddr, noMapGw: true, dnsForward: true });

test('a pasta with --map-guest-addr is the default', () => {
  assert.deepEqual(chooseDefaultMode({ path: '/usr/bin/pasta', version: '2024_08_21', features: features(true) }).mode, 'pasta');
});

test('an old pasta (Debian 12) gives slirp4netns, and the reason says why', () => {
  const c = chooseDefaultMode({ path: '/usr/bin/pasta', features: features(false) });
  assert.equal(c.mode, 'slirp4netns');
  assert.match(c.reason, /predates --map-guest-addr/);
  assert.match(c.reason, /UDP/);
});

test('a missing or unusable pasta gives slirp4netns with its problem as the reason', () => {
  const c = chooseDefaultMode({ problem: 'pasta is not installed (Debian package passt)', features: features(false) });
  assert.deepEqual(c, { mode: 'slirp4netns', reason: 'pasta is not installed (Debian package passt)' });
});
