// The foreground container's I/O in the CLI: signal forwarding to the container's PID 1 and, with -t, the
// pty master ↔ the user's terminal in raw mode with window-size tracking. Every exit path restores the
// terminal.
import { nodeTty } from '../lazy-builtins.js';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

/** Forwards the usual termination and user signals to `pid`; returns the function that stops it. */
export function forwardSignals(pid: number): () => void {
  const handlers = FORWARDED_SIGNALS.map((sig) => {
    const h = () => { try { process.kill(pid, sig); } catch { /* already gone */ } };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => { for (const [sig, h] of handlers) process.off(sig, h); };
}

export interface TerminalSession {
  /** Resolves when the container's side of the pty is closed and all output was written. */
  drained: Promise<void>;
  restore(): void;
}

/** Connects the pty master to stdin/stdout; `interactive` pumps stdin into it. */
export async function attachTerminal(master: number, interactive: boolean): Promise<TerminalSession> {
  const { getWinsize, setWinsize } = await import('../../sys/fd.js');
  const stdin = process.stdin;
  const rawTerminal = interactive && stdin.isTTY;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (rawTerminal) { try { stdin.setRawMode(false); } catch { /* stdin gone */ } }
    process.off('SIGWINCH', resize);
    process.off('exit', restore);
    stdin.unpipe(pty);
    stdin.pause();
  };
  const resize = () => {
    if (!process.stdout.isTTY) return;
    try { setWinsize(master, getWinsize(1)); } catch { /* pty closed */ }
  };
  const pty = new (nodeTty().ReadStream)(master);
  resize();
  process.on('SIGWINCH', resize);
  process.on('exit', restore);
  if (rawTerminal) stdin.setRawMode(true);
  if (interactive) stdin.pipe(pty);
  const drained = new Promise<void>((resolve) => {
    pty.on('data', (b: Buffer) => process.stdout.write(b));
    // Reading a master whose slave side is closed gives EIO: that is the end of the output.
    pty.on('error', () => resolve());
    pty.on('end', () => resolve());
    pty.on('close', () => resolve());
  });
  return {
    drained: drained.then(() => { pty.destroy(); }),
    restore,
  };
}
