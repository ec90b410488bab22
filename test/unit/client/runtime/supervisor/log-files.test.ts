// client/runtime/supervisor/log-writer.ts and log-reader.ts: json-file lines, partial lines, rotation,
// filters, following across a rotation, torn lines.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JsonFileWriter, rfc3339Nano } from '../../../../../client/runtime/supervisor/log-writer.js';
import { filterEntries, followLog, parseLine, parseTime, readLog, type LogEntry } from '../../../../../client/runtime/supervisor/log-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'myctr-logtest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('RFC 3339 with nanoseconds', () => {
  assert.match(rfc3339Nano(new Date('2026-01-02T03:04:05.678Z'), 123456789n), /^2026-01-02T03:04:05\.678456789Z$/);
});

test('lines are split at newlines per stream; a partial line waits for its end or the flush', () => {
  const path = join(dir, 'a.log');
  const w = new JsonFileWriter(path, { maxSize: 0, maxFile: 1 });
  w.write('stdout', 'one\ntw');
  w.write('stderr', 'err\n');
  w.write('stdout', 'o\nthree');
  w.close();
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry);
  assert.deepEqual(lines.map((l) => [l.stream, l.log]), [['stdout', 'one\n'], ['stderr', 'err\n'], ['stdout', 'two\n'], ['stdout', 'three']]);
  assert.deepEqual(readLog(path, {}).entries.map((e) => e.log), ['one\n', 'err\n', 'two\n', 'three']);
});

test('rotation keeps max-file files, each at most max-size, and the reader joins them oldest first', () => {
  const path = join(dir, 'r.log');
  const w = new JsonFileWriter(path, { maxSize: 300, maxFile: 3 });
  for (let i = 0; i < 40; i++) w.write('stdout', `line ${i}\n`);
  w.close();
  assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`) && !existsSync(`${path}.3`));
  for (const f of [path, `${path}.1`, `${path}.2`]) assert.ok(readFileSync(f).length <= 300);
  const got = readLog(path, {}).entries.map((e) => Number(e.log.split(' ')[1]));
  assert.equal(got.at(-1), 39);
  assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => got[0]! + i), 'consecutive');
});

test('max-file=1 truncates in place', () => {
  const path = join(dir, 't.log');
  const w = new JsonFileWriter(path, { maxSize: 200, maxFile: 1 });
  for (let i = 0; i < 20; i++) w.write('stdout', `x${i}\n`);
  w.close();
  assert.ok(!existsSync(`${path}.1`));
  assert.ok(readFileSync(path).length <= 200);
});

test('filters: --tail, --since, --until; times parse as durations, dates or unix seconds', () => {
  const e = (t: string, log: string): LogEntry => ({ log, stream: 'stdout', time: t });
  const all = [e('2026-01-01T00:00:00.000000001Z', 'a'), e('2026-01-01T00:01:00Z', 'b'), e('2026-01-01T00:02:00Z', 'c')];
  assert.deepEqual(filterEntries(all, { tail: 2 }).map((x) => x.log), ['b', 'c']);
  assert.deepEqual(filterEntries(all, { tail: 0 }), []);
  assert.deepEqual(filterEntries(all, { since: Date.parse('2026-01-01T00:01:00Z') }).map((x) => x.log), ['b', 'c']);
  assert.deepEqual(filterEntries(all, { until: Date.parse('2026-01-01T00:01:00Z') }).map((x) => x.log), ['a', 'b']);
  assert.equal(parseTime('10m', 1_000_000), 400_000);
  assert.equal(parseTime('1700000000'), 1_700_000_000_000);
  assert.equal(parseTime('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'));
  assert.throws(() => parseTime('yesterday'), { code: 'MYCTR_USAGE' });
});

test('a torn or foreign line is skipped', () => {
  assert.equal(parseLine('{"log":"x"'), undefined);
  assert.equal(parseLine('{"log":"x","stream":"other","time":""}'), undefined);
  const path = join(dir, 'torn.log');
  appendFileSync(path, '{"log":"ok\\n","stream":"stdout","time":"2026-01-01T00:00:00Z"}\n{"log":"half');
  assert.deepEqual(readLog(path, {}).entries.map((x) => x.log), ['ok\n']);
});

test('follow: appended lines are emitted, across a rotation, and the final read happens after done', async () => {
  const path = join(dir, 'f.log');
  const w = new JsonFileWriter(path, { maxSize: 200, maxFile: 2 });
  w.write('stdout', 'before\n');
  const start = readLog(path, {});
  const seen: string[] = [];
  let step = 0;
  await followLog(path, start, {}, (e) => seen.push(e.log), () => {
    // Each poll writes more; the third poll rotates; the fifth says the writer is done.
    step++;
    if (step <= 4) for (let i = 0; i < 3; i++) w.write('stdout', `s${step}-${i}\n`);
    if (step === 4) w.close();
    return step >= 5;
  }, 1);
  assert.equal(seen[0], 's1-0\n');
  assert.equal(seen.at(-1), 's4-2\n');
  assert.ok(!seen.includes('before\n'));
});
