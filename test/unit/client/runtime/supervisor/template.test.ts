// client/runtime/supervisor/template.ts: the Go-template subset of --format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTemplate } from '../../../../../client/runtime/supervisor/template.js';

const data = { ID: 'abc', Names: 'web', State: { Pid: 42, Running: true }, Config: { Cmd: ['sh', '-c'] }, Labels: { a: 'b' } };

test('fields, nested fields, json, upper/lower, literals and escapes', () => {
  assert.equal(compileTemplate('{{.ID}}').render(data), 'abc');
  assert.equal(compileTemplate('{{ .State.Pid }}').render(data), '42');
  assert.equal(compileTemplate('{{.State.Running}}').render(data), 'true');
  assert.equal(compileTemplate('{{json .Config.Cmd}}').render(data), '["sh","-c"]');
  assert.equal(compileTemplate('{{json .}}').render({ a: 1 }), '{"a":1}');
  assert.equal(compileTemplate('{{upper .Names}}-{{lower .ID}}').render(data), 'WEB-abc');
  assert.equal(compileTemplate('{{"a\\tb"}}').render(data), 'a\tb');
  assert.equal(compileTemplate('{{.ID}}\\t{{.Names}}').render(data), 'abc\tweb');
  assert.equal(compileTemplate('{{.Config.Cmd}}').render(data), '[sh -c]');
  assert.equal(compileTemplate('{{.Labels}}').render(data), 'map[a:b]');
});

test('table: a header from the field names', () => {
  const t = compileTemplate('table {{.ID}}\\t{{.Names}}\\t{{.RunningFor}}');
  assert.equal(t.table, true);
  assert.equal(t.header(), 'ID\tNAMES\tRUNNING FOR');
});

test('unknown fields and unsupported actions are usage errors, never empty output', () => {
  assert.throws(() => compileTemplate('{{.Nope}}').render(data), /no field `Nope`/);
  assert.throws(() => compileTemplate('{{range .X}}{{end}}'), { code: 'MYCTR_USAGE' });
  assert.throws(() => compileTemplate('{{index .Labels "a"}}'), /unsupported action/);
});
