// protocol/init-sync.ts: newline-delimited JSON framing between the parent and the container init.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineDecoder, encodeLine, type InitToParent, type ParentToInit } from '../../../protocol/init-sync.js';

const MESSAGES: (ParentToInit | InitToParent)[] = [
  { type: 'start' },
  { type: 'ready' },
  { type: 'log', level: 'warn', msg: 'overlay refused (EPERM)\nsecond line' },
  { type: 'exec-failed', exitCode: 127, error: { code: 'MYCTR_COMMAND_NOT_FOUND', message: 'exec `x`', hint: 'check' } },
  { type: 'error', error: { code: 'MYCTR_SETUP_FAILED', message: 'setup step 3 (sysfs): ünïcode ✓' } },
  {
    type: 'config',
    config: {
      ops: [{ kind: 'make-private' }, { kind: 'pivot-root', newRoot: '/r' }],
      process: { args: ['sh', '-c', 'echo "a\nb"'], env: ['A=1'], cwd: '/', user: '', hostname: 'h', terminal: false,
        noNewPrivileges: true, capabilities: ['CAP_CHOWN'], groupAdd: [] },
      debug: false,
    },
  },
];

test('encodeLine writes exactly one line per message, even with newlines in strings', () => {
  for (const m of MESSAGES) {
    const line = encodeLine(m);
    assert.ok(line.endsWith('\n'));
    assert.equal(line.indexOf('\n'), line.length - 1, JSON.stringify(m));
  }
});

test('encodeLine → LineDecoder round-trips every message', () => {
  const dec = new LineDecoder();
  assert.deepEqual(dec.push(MESSAGES.map(encodeLine).join('')), MESSAGES);
});

test('a message split across chunks is returned once complete', () => {
  const line = encodeLine(MESSAGES[5]!);
  const dec = new LineDecoder();
  const out: unknown[] = [];
  for (let i = 0; i < line.length; i += 7) out.push(...dec.push(line.slice(i, i + 7)));
  assert.deepEqual(out, [MESSAGES[5]]);
});

test('every split point of a two-message stream yields both messages in order', () => {
  const stream = encodeLine({ type: 'ready' }) + encodeLine({ type: 'log', level: 'debug', msg: 'x' });
  for (let i = 0; i <= stream.length; i++) {
    const dec = new LineDecoder();
    const out = [...dec.push(stream.slice(0, i)), ...dec.push(stream.slice(i))];
    assert.deepEqual(out, [{ type: 'ready' }, { type: 'log', level: 'debug', msg: 'x' }], `split at ${i}`);
  }
});

test('an incomplete trailing line is held back; empty lines are skipped', () => {
  const dec = new LineDecoder();
  assert.deepEqual(dec.push('\n\n{"type":"ready"}\n{"type":'), [{ type: 'ready' }]);
  assert.deepEqual(dec.push(''), []);
  assert.deepEqual(dec.push('"start"}'), []);
  assert.deepEqual(dec.push('\n'), [{ type: 'start' }]);
});

test('bytes: a character split across chunks, and a read buffer reused between pushes', () => {
  const dec = new LineDecoder();
  const bytes = Buffer.from(encodeLine({ type: 'log', level: 'warn', msg: 'été ✓' }));
  const reused = Buffer.alloc(bytes.length);
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = bytes.copy(reused, 0, i, Math.min(i + 3, bytes.length));
    out.push(...dec.push(reused.subarray(0, n)));
    reused.fill(0x7b); // what the next read would overwrite
  }
  assert.deepEqual(out, [{ type: 'log', level: 'warn', msg: 'été ✓' }]);
});

test('the limit counts bytes, not characters', () => {
  const line = `{"type":"log","msg":"${'é'.repeat(20)}"}`; // 43 characters, 63 bytes
  assert.throws(() => new LineDecoder(50).push(`${line}\n`), /over 50 bytes/);
  assert.equal(new LineDecoder(63).push(`${line}\n`).length, 1);
});

test('a line that is not JSON throws', () => {
  assert.throws(() => new LineDecoder().push('not json\n'), SyntaxError);
});

test('a line over the limit throws, even before its newline arrives', () => {
  const dec = new LineDecoder(64);
  assert.throws(() => dec.push(`{"type":"log","level":"info","msg":"${'x'.repeat(100)}"}\n`), /sync message over 64 bytes/);
  const partial = new LineDecoder(64);
  partial.push('{"type":"log","msg":"');
  assert.throws(() => partial.push('y'.repeat(60)), /over 64 bytes/);
});

test('a line of exactly the limit is accepted', () => {
  const msg = '{"type":"ready","pad":"' ;
  const line = msg + 'p'.repeat(63 - msg.length - 2) + '"}\n';
  assert.equal(line.length, 64);
  assert.deepEqual(new LineDecoder(64).push(line), [{ type: 'ready', pad: 'p'.repeat(63 - msg.length - 2) }]);
});

test('many small lines in one chunk are not "a line over the limit"',
  () => {
    const chunk = encodeLine({ type: 'ready' }).repeat(10); // 10 lines of 17 bytes, 170 in total
    assert.equal(new LineDecoder(64).push(chunk).length, 10);
  });
