// The CLI side of the supervisor: connect to <runRoot>/supervisor.sock, starting the supervisor first when
// nobody listens (under a lock, so that two CLIs start one supervisor), and send one request.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock } from '../../../image/lock.js';
import type { MyctrPaths } from '../../../paths.js';
import { MyctrError } from '../../errors.js';
import { nodeEntryArgv } from '../../node-entry.js';
import type { SupervisorReply, SupervisorRequest } from './protocol.js';
import { supervisorLockPath, supervisorLogPath, supervisorSocketPath } from './paths.js';

// MYCTR_TEST_SUPERVISOR_START_MS shortens it for the test of this error.
const START_TIMEOUT_MS = Number(process.env.MYCTR_TEST_SUPERVISOR_START_MS) || 15_000;

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.removeAllListeners('error'); resolve(s); });
    s.once('error', () => resolve(undefined));
  });
}

/**
 * V8 flags of the long-lived supervisor (docs/LIFECYCLE.md, "Memory"): a 1 MB semi-space keeps the young
 * generation from growing to 16 MB under a chatty container's logs and staying there (measured: idle after
 * 200k log lines RssAnon 23 → 14 MB, peak RSS 46 → 33 MB, same CPU).
 */
const SUPERVISOR_NODE_FLAGS = ['--max-semi-space-size=1'];

function spawnSupervisor(paths: MyctrPaths): void {
  const [cmd, ...args] = nodeEntryArgv(import.meta.url, './main.js');
  const out = openSync(supervisorLogPath(paths), 'a', 0o600);
  try {
    // detached: its own session, so the user's terminal closing (SIGHUP to the session) does not reach it.
    const child = spawn(cmd!, [...SUPERVISOR_NODE_FLAGS, ...args], { detached: true, stdio: ['ignore', out, out], env: process.env, cwd: '/' });
    child.unref();
  } finally {
    closeSync(out);
  }
}

/** A connection to the supervisor, started if needed. */
export async function connectSupervisor(paths: MyctrPaths, opts: { start: boolean }): Promise<Socket | undefined> {
  const sockPath = supervisorSocketPath(paths);
  const first = await tryConnect(sockPath);
  if (first || !opts.start) return first;
  let lock;
  try {
    lock = await acquireLock(supervisorLockPath(paths), { timeoutMs: START_TIMEOUT_MS });
  } catch (err) {
    if (!(err instanceof MyctrError && err.code === 'MYCTR_CONFLICT')) throw err;
    // Another CLI holds the start lock and its supervisor never answered on the socket.
    throw new MyctrError('MYCTR_INTERNAL', `timed out after ${START_TIMEOUT_MS / 1000} s waiting for another myctr to start the supervisor (\`${sockPath}\`)`, {
      hint: `see the supervisor's log \`${supervisorLogPath(paths)}\`; remove \`${supervisorLockPath(paths)}\` if no myctr process is running`,
    });
  }
  try {
    const again = await tryConnect(sockPath);
    if (again) return again;
    spawnSupervisor(paths);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      await sleep(20);
      const s = await tryConnect(sockPath);
      if (s) return s;
    }
    throw new MyctrError('MYCTR_INTERNAL', `the supervisor did not listen on \`${sockPath}\` within ${START_TIMEOUT_MS / 1000} s of its start`, {
      hint: `see its log \`${supervisorLogPath(paths)}\``,
    });
  } finally {
    lock.release();
  }
}

/** Sends one request and awaits the reply; an error reply is thrown as a MyctrError with its code. */
export async function request(sock: Socket, req: SupervisorRequest): Promise<SupervisorReply & { ok: true }> {
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { buf += d; });
    sock.once('end', () => resolve(buf));
    sock.once('error', reject);
    sock.write(JSON.stringify(req) + '\n');
  });
  sock.destroy();
  let reply: SupervisorReply;
  try { reply = JSON.parse(line) as SupervisorReply; } catch {
    throw new MyctrError('MYCTR_PROTOCOL', 'the supervisor closed the connection without a reply', { hint: 'it may have crashed; `myctr ps -a` shows what is left' });
  }
  if (!reply.ok) {
    const e = reply.error;
    throw Object.assign(new MyctrError(e.code as MyctrError['code'], e.message, { hint: e.hint }), e.exitCode !== undefined ? { exitCode: e.exitCode } : {});
  }
  return reply;
}

/** Connect (starting it when `start`) and send; undefined when no supervisor runs and `start` is false. */
export async function callSupervisor(paths: MyctrPaths, req: SupervisorRequest, start = false): Promise<(SupervisorReply & { ok: true }) | undefined> {
  const sock = await connectSupervisor(paths, { start });
  return sock ? request(sock, req) : undefined;
}
