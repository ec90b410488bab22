// daemon/reaper.ts: this test process becomes a child subreaper (each test file runs in its own process), so a
// grandchild whose parent exits becomes our child and is reaped through watch() with its real status.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startReaper } from '../../../../../../client/runtime/supervisor/daemon/reaper.js';

const reaper = startReaper();

/** Starts `script` in the background of a shell that exits at once; resolves with the orphan's pid. */
function orphan(script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sh = spawn('/bin/sh', ['-c', `(${script}) </dev/null >/dev/null 2>&1 & echo $!`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    sh.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    sh.once('error', reject);
    // 'close', not 'exit': 'exit' may come before the pid was read, and a pid of 0 would make the kill below
    // signal this whole process group (the test runner and whatever started it).
    sh.once('close', () => {
      const pid = Number(out.trim());
      if (Number.isInteger(pid) && pid > 1) resolve(pid); else reject(new Error(`no orphan pid from the shell: \`${out}\``));
    });
  });
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

test('an orphaned grandchild becomes our child; its exit code is reported', async () => {
  const pid = await orphan('exec sleep 0.2; exit 3');
  const status = await reaper.watch(pid);
  assert.deepEqual(status, { code: 0, signal: null }, 'exec sleep: sleep\'s own status');
  const pid2 = await orphan('sleep 0.1; exit 3');
  assert.deepEqual(await reaper.watch(pid2), { code: 3, signal: null });
});

test('a signal death is reported as the signal, also when it happened before watch()', async () => {
  const pid = await orphan('exec sleep 1000');
  assert.equal(parentOf(pid), process.pid, 're-parented to the subreaper');
  process.kill(pid, 'SIGKILL');
  // The zombie waits for us: watching after the death still yields the status.
  assert.deepEqual(await reaper.watch(pid), { code: null, signal: 'SIGKILL' });
  const pid2 = await orphan('exec sleep 1000');
  const watched = reaper.watch(pid2);
  process.kill(pid2, 'SIGTERM');
  assert.deepEqual(await watched, { code: null, signal: 'SIGTERM' });
});

test('a pid that is not our child resolves at once with 255 instead of hanging', async () => {
  assert.deepEqual(await reaper.watch(1), { code: 255, signal: null });
});
