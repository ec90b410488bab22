// client/network/host-net.ts: the default gateway from /proc/net/route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultGateway } from '../../../../client/network/host-net.js';

test('defaultGateway decodes the little-endian gateway of the default route', () => {
  const route = 'Iface\tDestination\tGateway \tFlags\nxx\t0002000A\t00000000\t0001\neth0\t00000000\t010200C0\t0003\n';
  assert.equal(defaultGateway(route), '192.0.2.1');
  assert.equal(defaultGateway('Iface\tDestination\tGateway\n'), undefined);
});
