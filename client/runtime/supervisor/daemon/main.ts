// The per-user supervisor (one per run root): parent of every detached container's stage-0 process, writer of
// their logs and exit records. Started on demand by the CLI (setsid, detached), it listens on
// <runRoot>/supervisor.sock, serves only its own uid (SO_PEERCRED) and exits when it supervises nothing.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { ImageStore } from '../../../image/store.js';
import { log } from '../../../log.js';
import { resolvePaths } from '../../../paths.js';
import { getPeerCred } from '../../../../sys/socket.js';
import { ContainerStore } from '../../container-store.js';
import { MyctrError, messageOf } from '../../errors.js';
import { acquireLock } from '../../../image/lock.js';
import { parseSignal } from '../config.js';
import { withExistingContainer } from '../lock.js';
import { adoptInits } from '../../start/init-process.js';
import { trimWhenIdle } from './memory.js';
import { Monitor } from './monitor.js';
import { startReaper } from './reaper.js';
import { decodeRequest, type SupervisorReply, type SupervisorRequest } from './protocol.js';
import { supervisorLockPath, supervisorSocketPath } from './paths.js';

const IDLE_EXIT_MS = 1000;
const paths = resolvePaths();
// The run root in the title tells several users' (or test stores') supervisors apart in `ps`.
process.title = `myctr-supervisor ${paths.runRoot}`;
// PID 1 of each container is our own child: no stage-0 shell stays behind per container.
adoptInits(startReaper());
const store = new ContainerStore(paths);
const images = ImageStore.open(paths);
const monitors = new Map<string, Monitor>();
let connections = 0;
let idleTimer: NodeJS.Timeout | undefined;

function scheduleIdleExit(): void {
  clearTimeout(idleTimer);
  trimWhenIdle();
  if (monitors.size > 0 || connections > 0) return;
  idleTimer = setTimeout(() => { void idleExit(); }, IDLE_EXIT_MS);
}

/** Under the start lock, so that no CLI connects to a socket that is about to vanish. */
async function idleExit(): Promise<void> {
  const lock = await acquireLock(supervisorLockPath(paths), { timeoutMs: 10_000 });
  await new Promise((r) => setImmediate(r)); // let pending accepts run before counting
  if (monitors.size > 0 || connections > 0) { lock.release(); return; }
  server.close();
  try { unlinkSync(supervisorSocketPath(paths)); } catch { /* gone */ }
  lock.release();
  process.exit(0);
}

function monitorFor(id: string): Monitor {
  let m = monitors.get(id);
  if (!m) {
    m = new Monitor(id, { store, images, log, onDone: (done) => {
      if (monitors.get(done) === m && !m!.running) { monitors.delete(done); scheduleIdleExit(); }
    } });
    monitors.set(id, m);
  }
  return m;
}

async function handle(req: SupervisorRequest): Promise<SupervisorReply> {
  switch (req.type) {
    case 'ping':
      return { ok: true, pid: process.pid, containers: monitors.size };
    case 'start':
      // The start happens under the container's lock, held by this process: the CLI that asked may be killed
      // meanwhile, and an `rm` must then wait for the start to finish rather than remove the record under it.
      return withExistingContainer(paths, store, req.id, req.id.slice(0, 12), async () => {
        const m = monitorFor(req.id);
        if (m.running) return { ok: true }; // started by another CLI meanwhile: a no-op, as Docker's
        try {
          return { ok: true, pid: await m.start() };
        } catch (err) {
          if (!m.running) { monitors.delete(req.id); scheduleIdleExit(); }
          throw err;
        }
      });
    case 'stop': {
      const exitCode = await monitors.get(req.id)?.stop(parseSignal(req.signal), req.timeout);
      return exitCode === undefined ? { ok: true } : { ok: true, exitCode };
    }
    case 'kill': {
      const m = monitors.get(req.id);
      if (!m) throw new MyctrError('MYCTR_INVALID_STATE', `container ${req.id.slice(0, 12)} is not running`);
      m.kill(parseSignal(req.signal));
      return { ok: true };
    }
    case 'wait': {
      const exitCode = await monitors.get(req.id)?.wait();
      return exitCode === undefined ? { ok: true } : { ok: true, exitCode };
    }
    case 'remove':
      await monitors.get(req.id)?.remove();
      monitors.delete(req.id);
      scheduleIdleExit();
      return { ok: true };
  }
}

function onConnection(sock: Socket): void {
  connections++;
  clearTimeout(idleTimer);
  sock.once('close', () => { connections--; scheduleIdleExit(); });
  sock.on('error', () => undefined);
  // SECURITY: identity from the kernel (SO_PEERCRED), never from the request. Only our own uid is served:
  // the socket's 0600 mode in a 0700 dir already says so; this is the second lock on the door.
  const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
  let uid = -1;
  try { if (fd !== undefined) uid = getPeerCred(fd).uid; } catch { /* treated as a stranger */ }
  if (uid !== process.getuid?.()) { sock.destroy(); return; }
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    if (buf.length > 64 * 1024) { sock.destroy(); return; }
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    const line = buf.slice(0, nl);
    sock.removeAllListeners('data');
    let decoded: SupervisorRequest | string;
    try { decoded = decodeRequest(JSON.parse(line)); } catch { decoded = 'request is not JSON'; }
    const reply: Promise<SupervisorReply> = typeof decoded === 'string'
      ? Promise.resolve({ ok: false, error: { code: 'MYCTR_PROTOCOL', message: decoded } })
      : handle(decoded).catch((err: unknown) => ({ ok: false as const, error: {
        code: err instanceof MyctrError ? err.code : 'MYCTR_INTERNAL', message: messageOf(err),
        hint: err instanceof MyctrError ? err.hint : undefined,
        ...((err as { exitCode?: number }).exitCode !== undefined ? { exitCode: (err as { exitCode: number }).exitCode } : {}),
      } }));
    void reply.then((r) => { if (!sock.destroyed) sock.end(JSON.stringify(r) + '\n'); });
  });
}

const server = createServer(onConnection);
// The CLI starts us under the start lock after failing to connect: a socket file left here is stale.
try { unlinkSync(supervisorSocketPath(paths)); } catch { /* none */ }
server.listen(supervisorSocketPath(paths), () => {
  chmodSync(supervisorSocketPath(paths), 0o600);
  scheduleIdleExit();
});
// Termination of the supervisor kills the containers (their stage-0 has a parent-death signal); records
// are reconciled by the CLI. SIGTERM/SIGINT/SIGHUP are therefore not ignored: the user asked.
process.on('SIGPIPE', () => undefined);
