// client/runtime/supervisor/views.ts: Docker's human durations, status texts, the ps table and inspect shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSpec } from '../../../../../client/runtime/spec.js';
import { humanDuration, inspectView, psRow, psTable, statusText } from '../../../../../client/runtime/supervisor/views.js';

test('human durations as Docker prints them', () => {
  assert.equal(humanDuration(200), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(5000), '5 seconds');
  assert.equal(humanDuration(60_000), 'About a minute');
  assert.equal(humanDuration(120_000), '2 minutes');
  assert.equal(humanDuration(3_600_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
});

const now = Date.parse('2026-01-01T00:10:00Z');
test('status: Up, Exited (code) ago, Created', () => {
  assert.equal(statusText({ status: 'running', startedAt: '2026-01-01T00:09:55Z', bootId: 'b' }, now), 'Up 5 seconds');
  assert.equal(statusText({ status: 'stopped', exitCode: 137, finishedAt: '2026-01-01T00:08:00Z', bootId: 'b' }, now), 'Exited (137) 2 minutes ago');
  assert.equal(statusText({ status: 'created', bootId: 'b' }, now), 'Created');
});

const spec = {
  id: 'a'.repeat(64), name: 'web', created: '2026-01-01T00:00:00Z', image: { ref: 'busybox', id: 'b'.repeat(64) },
  process: { args: ['httpd', '-f', '-p', '8080'], env: ['PATH=/bin'], cwd: '/', user: '', terminal: false, stdin: false,
    noNewPrivileges: false, capabilities: ['CAP_KILL'], groupAdd: [] },
  hostname: 'aaaaaaaaaaaa', mounts: [], network: 'none', readOnly: false, privileged: false, autoRemove: false, dns: [], addHosts: [],
} as unknown as ContainerSpec;

test('ps table: Docker\'s columns, aligned, the command quoted and truncated', () => {
  const row = psRow(spec, { status: 'running', pid: 7, startedAt: '2026-01-01T00:09:00Z', bootId: 'b' }, now);
  assert.equal(row.ID, 'aaaaaaaaaaaa');
  assert.equal(row.Command, '"httpd -f -p 8080"');
  assert.equal(row.RunningFor, '10 minutes ago');
  const lines = psTable([row]).split('\n');
  assert.match(lines[0]!, /^CONTAINER ID {3}IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
  assert.equal(lines[0]!.indexOf('IMAGE'), lines[1]!.indexOf('busybox'));
  assert.equal(lines[0]!.indexOf('NAMES'), lines[1]!.indexOf('web'));
});

test('inspect: Docker\'s field names; a stopped container has Pid 0', () => {
  const v = inspectView(spec, { status: 'stopped', exitCode: 3, pid: 9, bootId: 'b' }, '/x/ctr.log') as Record<string, any>;
  assert.equal(v.Id, spec.id);
  assert.equal(v.Name, '/web');
  assert.deepEqual(v.State.Status, 'exited');
  assert.equal(v.State.Pid, 0);
  assert.equal(v.State.ExitCode, 3);
  assert.equal(v.State.StartedAt, '0001-01-01T00:00:00Z');
  assert.deepEqual(v.Config.Cmd, ['httpd', '-f', '-p', '8080']);
  assert.deepEqual(v.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
  assert.equal(v.Config.StopSignal, 'SIGTERM');
  assert.equal(v.LogPath, '/x/ctr.log');
});
