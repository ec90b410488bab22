// client/runtime/supervisor/daemon/protocol.ts: the socket is the trust boundary; only well-formed
// requests with full ids pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRequest } from '../../../../../../client/runtime/supervisor/daemon/protocol.js';

const id = 'f'.repeat(64);

test('well-formed requests decode to exactly their fields', () => {
  assert.deepEqual(decodeRequest({ type: 'ping', extra: 1 }), { type: 'ping' });
  assert.deepEqual(decodeRequest({ type: 'start', id }), { type: 'start', id });
  assert.deepEqual(decodeRequest({ type: 'stop', id, timeout: 3, signal: 'SIGTERM', pid: 1 }), { type: 'stop', id, timeout: 3, signal: 'SIGTERM' });
  assert.deepEqual(decodeRequest({ type: 'kill', id, signal: 'SIGHUP' }), { type: 'kill', id, signal: 'SIGHUP' });
  assert.deepEqual(decodeRequest({ type: 'remove', id }), { type: 'remove', id });
});

test('malformed requests are rejected with a reason', () => {
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    ['start', /not an object/],
    [{ type: 'exec', id }, /unknown request type/],
    [{ type: 'start' }, /full container id/],
    [{ type: 'start', id: 'abc' }, /full container id/],
    [{ type: 'start', id: '../../etc' }, /full container id/],
    [{ type: 'stop', id, timeout: -1, signal: 'SIGTERM' }, /timeout and signal/],
    [{ type: 'stop', id, timeout: '1', signal: 'SIGTERM' }, /timeout and signal/],
    [{ type: 'kill', id }, /needs a signal/],
  ];
  for (const [input, re] of cases) {
    const r = decodeRequest(input);
    assert.equal(typeof r, 'string', JSON.stringify(input));
    assert.match(r as string, re);
  }
});
