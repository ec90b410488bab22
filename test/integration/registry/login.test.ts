// `myctr login` on a terminal: the password prompt does not echo (checked through a real pty from util-linux
// `script`), the login works against an htpasswd registry; without a terminal it needs --password-stdin or -p.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { registryProbe, htpasswdProbe, startRegistry, type TestRegistry } from '../../support/registry.js';
import { requireFeature } from '../../support/probes.js';
import { CLI_PATH, runCli } from '../../support/spawn-cli.js';
import { makeTempDir, testEnv } from '../../support/tmp.js';

const AUTH = { user: 'alice', password: 'Sekr1t-pw-9431' };
const env = testEnv({ cleanupOwner: { after } });
const work = makeTempDir('myctr-login-', { after });
let reg: TestRegistry | undefined;

before(async () => { if (registryProbe.ok && htpasswdProbe.ok) reg = await startRegistry(work, AUTH); });
after(async () => { await reg?.stop(); });

function ready(t: TestContext): boolean {
  return requireFeature(t, registryProbe) && requireFeature(t, htpasswdProbe);
}

/** Runs the CLI on a pty; types `password` + Enter once the prompt shows. Resolves with everything the pty showed. */
function loginOnPty(args: string[], password: string): Promise<{ code: number | null; out: string }> {
  const cmd = [process.execPath, CLI_PATH, ...args].join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, ...env.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let typed = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    // Typed only after the prompt: input typed earlier would be echoed by the terminal before myctr could stop it.
    if (!typed && out.includes('Password: ')) { typed = true; child.stdin.write(`${password}\r`); }
  });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(timer); child.stdin.destroy(); resolve({ code, out }); }));
}

test('the password typed at the prompt is not echoed, and the login works', async (t) => {
  if (!ready(t)) return;
  const r = await loginOnPty(['login', '-u', AUTH.user, reg!.host], AUTH.password);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Password: /);
  assert.match(r.out, /Login Succeeded!/);
  assert.ok(!r.out.includes(AUTH.password), `the password was echoed: ${JSON.stringify(r.out)}`);
  assert.ok(!r.out.includes('*'), 'no masking characters either');
});

test('a wrong password typed at the prompt is refused, and not echoed', async (t) => {
  if (!ready(t)) return;
  const r = await loginOnPty(['login', '-u', AUTH.user, reg!.host], 'Wr0ng-pw-7777');
  assert.equal(r.code, 125, r.out);
  assert.ok(!r.out.includes('Wr0ng-pw-7777'), r.out);
});

test('without a terminal: an error that points at --password-stdin; -p works with a warning', async (t) => {
  if (!ready(t)) return;
  const r = await runCli(['login', '-u', AUTH.user, reg!.host], { env: env.env, input: '' });
  assert.equal(r.code, 125);
  assert.match(r.stderr, /no terminal to ask for the password/);
  assert.match(r.stderr, /--password-stdin/);
  const p = await runCli(['login', '-u', AUTH.user, '-p', AUTH.password, reg!.host], { env: env.env, input: '' });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /visible to other users; use --password-stdin/);
  const both = await runCli(['login', '-u', AUTH.user, '-p', 'x', '--password-stdin', reg!.host], { env: env.env, input: 'x\n' });
  assert.equal(both.code, 125);
  assert.match(both.stderr, /mutually exclusive/);
});
