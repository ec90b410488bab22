// `attach`, `start -a[i]` and an attached `run --restart`: the container's output from now on until it exits
// (from the json-file log; for a terminal straight from the supervisor, prompts included), stdin forwarded to
// a container created with -i (through its attach socket, daemon/stdin-server.ts), the signals the CLI
// receives forwarded to it (Docker's --sig-proxy), ctrl-p ctrl-q detaching from a terminal; the exit code of
// the run it attached to (a restart policy may start it again: as Docker, the client stays with the first).
import { connect, type Socket } from 'node:net';
import { MyctrError } from '../errors.js';
import { attachSocketPath } from './daemon/paths.js';
import { followLog } from './log-reader.js';
import { logPathForRead } from './log-path.js';
import { logEnd } from './logs.js';
import { killContainer, waitContainer, type Ctx } from './operations.js';
import { currentState } from './state.js';

const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const CTRL_P = 0x10, CTRL_Q = 0x11;

export interface AttachOptions {
  sigProxy: boolean;
  /** Forward our stdin when the container's is open (-i). */
  stdin: boolean;
  /** Our EOF closes the container's stdin (start -ai, run -i), Docker's StdinOnce. */
  closeStdin: boolean;
}

/** `attach`: a running container only. */
export async function attachContainer(ctx: Ctx, ref: string, o: AttachOptions): Promise<number> {
  const id = ctx.store.resolve(ref);
  if (currentState(ctx.store, id).status !== 'running') {
    throw new MyctrError('MYCTR_INVALID_STATE', `container ${id.slice(0, 12)} is not running`, { hint: 'use `myctr start -a` to start and attach' });
  }
  return attachSession(ctx, id, logEnd(ctx, id), o);
}

/** Connects to the container's attach socket; undefined when it has none (created without -i, or exited). */
function connectAttach(path: string, header: object): Promise<{ sock: Socket; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.once('error', () => resolve(undefined));
    sock.once('connect', () => {
      sock.write(`${JSON.stringify(header)}\n`);
      let buf = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 3) return;
        sock.off('data', onData);
        if (buf.subarray(0, 3).toString() !== 'ok\n') { sock.destroy(); resolve(undefined); return; }
        resolve({ sock, rest: buf.subarray(3) });
      };
      sock.on('data', onData);
      sock.once('close', () => resolve(undefined));
    });
  });
}

/** Attached from `from` (a log position) until the run ends or the user detaches; the run's exit code. */
export async function attachSession(ctx: Ctx, id: string, from: { offset: number; ino: number }, o: AttachOptions): Promise<number> {
  const spec = ctx.store.loadConfig(id);
  const terminal = spec.process.terminal;
  const wantStdin = o.stdin && spec.process.stdin;
  const conn = wantStdin ? await connectAttach(attachSocketPath(ctx.store.layout(id).runDir), { closeStdin: o.closeStdin, output: terminal }) : undefined;
  const handlers = o.sigProxy && !terminal ? PROXIED.map((sig) => {
    const h = () => { killContainer(ctx, id, sig).catch(() => undefined); };
    process.on(sig, h);
    return [sig, h] as const;
  }) : [];
  let detach!: () => void;
  const detached = new Promise<'detached'>((r) => { detach = () => r('detached'); });
  const stdin = process.stdin;
  const raw = conn !== undefined && terminal && stdin.isTTY;
  let exitCode: number | undefined;
  try {
    if (conn) {
      if (raw) stdin.setRawMode(true);
      let heldCtrlP = false;
      stdin.on('data', (chunk: Buffer) => {
        if (!terminal) { conn.sock.write(chunk); return; }
        // ctrl-p ctrl-q detaches (Docker's default detach keys); a lone ctrl-p is passed on with the next byte.
        const out: number[] = [];
        for (const b of chunk) {
          if (heldCtrlP) { heldCtrlP = false; if (b === CTRL_Q) { detach(); return; } out.push(CTRL_P); }
          if (b === CTRL_P) heldCtrlP = true; else out.push(b);
        }
        if (out.length) conn.sock.write(Buffer.from(out));
      });
      stdin.once('end', () => conn.sock.end());
      if (terminal) {
        process.stdout.write(conn.rest);
        conn.sock.on('data', (d: Buffer) => process.stdout.write(d));
      }
    }
    const waiting = waitContainer(ctx, id).then((c) => { exitCode = c; });
    // A terminal's output comes over the socket when stdin is attached; otherwise from the log.
    const output = conn && terminal
      ? new Promise<void>((r) => conn.sock.once('close', r))
      : followLog(logPathForRead(ctx.store, id), from, {}, (e) => (e.stream === 'stderr' ? process.stderr : process.stdout).write(e.log), () => exitCode !== undefined);
    if (await Promise.race([Promise.all([waiting, output]), detached]) === 'detached') return 0;
    return exitCode ?? 0;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    if (conn) {
      stdin.removeAllListeners('data');
      stdin.pause();
      if (raw) { try { stdin.setRawMode(false); } catch { /* gone */ } }
      conn.sock.destroy();
    }
  }
}
