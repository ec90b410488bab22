// Integration tests for test/support/spawn-cli.ts: output capture, stdin, exit status and the
// kill-the-whole-group timeout, using small fixture scripts instead of the CLI.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runScript } from '../../support/spawn-cli.js';
import { makeTempDir } from '../../support/tmp.js';

const dir = makeTempDir('myctr-spawn-test-', { after });

function fixture(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

describe('runScript', () => {
  it('collects stdout, stderr, the exit code and passes stdin and env', async () => {
    const script = fixture(
      'echo.mjs',
      `let input = '';
       process.stdin.setEncoding('utf8').on('data', (s) => (input += s)).on('end', () => {
         process.stdout.write('in:' + input + ' arg:' + process.argv[2] + ' env:' + process.env.MYCTR_X);
         process.stderr.write('warn');
         process.exit(3);
       });`,
    );
    const r = await runScript(script, ['a1'], { input: 'hello', env: { MYCTR_X: 'y' } });
    assert.deepEqual(r, { code: 3, signal: null, stdout: 'in:hello arg:a1 env:y', stderr: 'warn' });
  });

  it('closes stdin when no input is given, so a reader sees EOF', async () => {
    const script = fixture('eof.mjs', `process.stdin.resume().on('end', () => console.log('eof'));`);
    const r = await runScript(script, [], { timeoutMs: 10_000 });
    assert.equal(r.stdout, 'eof\n');
    assert.equal(r.code, 0);
  });

  it('reports death by signal', async () => {
    const script = fixture('kill.mjs', `process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);`);
    const r = await runScript(script, []);
    assert.equal(r.code, null);
    assert.equal(r.signal, 'SIGTERM');
  });

  it('on timeout kills the process group, grandchildren included, and rejects with the partial output', async () => {
    const marker = join(dir, 'grandchild-alive');
    const script = fixture(
      'hang.mjs',
      `import { spawn } from 'node:child_process';
       spawn('sh', ['-c', 'sleep 1.5; touch "$0"', ${JSON.stringify(marker)}], { stdio: 'ignore' });
       console.log('started');
       setInterval(() => {}, 1000);`,
    );
    await assert.rejects(runScript(script, [], { timeoutMs: 700 }), (err: Error) => {
      assert.match(err.message, /timed out after 700 ms/);
      assert.match(err.message, /--- stdout ---\nstarted\n/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(existsSync(marker), false, 'the grandchild survived the timeout');
  });
});
