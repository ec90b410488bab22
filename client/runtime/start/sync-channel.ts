// SyncChannel: the parent's end of the init's sync channel (fd 3). `next()` yields the init's messages in order; EOF becomes null
// (after `start`, EOF means the exec succeeded: fd 3 is close-on-exec in the init). `log` messages are
// re-emitted through pino with the container id and never reach the caller.
import { LineDecoder, encodeLine, type InitToParent, type ParentToInit } from '../../../protocol/init-sync.js';
import type { Logger } from '../../log.js';
import { MyctrError, type MyctrErrorCode } from '../errors.js';
import type { SyncStream } from './fifo-channel.js';

export class SyncChannel {
  private readonly decoder = new LineDecoder();
  private readonly queue: (InitToParent | null)[] = [];
  private waiter: ((m: InitToParent | null) => void) | undefined;
  private ended = false;

  constructor(private readonly sock: SyncStream, private readonly log: Logger) {
    sock.on('data', (chunk: Buffer) => this.receive(chunk));
    sock.on('end', () => this.finish());
    sock.on('close', () => this.finish());
    sock.on('error', () => this.finish());
  }

  private receive(chunk: Buffer): void {
    let msgs: unknown[];
    try { msgs = this.decoder.push(chunk); } catch (err) { this.log.warn({ err }, 'bad sync message'); this.finish(); return; }
    for (const m of msgs) this.deliver(m as InitToParent);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.deliver(null);
  }

  private deliver(m: InitToParent | null): void {
    if (m && m.type === 'log') {
      if (m.level === 'warn') this.log.warn(m.msg); else this.log.debug({ stage: 'init' }, m.msg);
      return;
    }
    if (this.waiter) { const w = this.waiter; this.waiter = undefined; w(m); } else this.queue.push(m);
  }

  send(msg: ParentToInit): void {
    this.log.debug({ sync: msg.type }, 'sync: send');
    this.sock.write(encodeLine(msg));
  }

  next(): Promise<InitToParent | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  /** Awaits `type`; an `error` message becomes its MyctrError, EOF an init-died error. */
  async expect<T extends InitToParent['type']>(type: T): Promise<Extract<InitToParent, { type: T }>> {
    const m = await this.next();
    this.log.debug({ sync: m?.type ?? 'EOF' }, 'sync: received');
    if (m === null) throw new MyctrError('MYCTR_INIT_DIED', `container init exited before \`${type}\``, { hint: 'run with --log-level debug for the init\'s log' });
    if (m.type === type) return m as Extract<InitToParent, { type: T }>;
    if (m.type === 'error' || m.type === 'exec-failed') throw remoteError(m.error);
    throw new MyctrError('MYCTR_PROTOCOL', `expected \`${type}\`, got \`${m.type}\``);
  }

  close(): void {
    this.sock.destroy();
  }
}

export function remoteError(e: { code: string; message: string; hint?: string | undefined }): MyctrError {
  return new MyctrError(e.code as MyctrErrorCode, e.message, { hint: e.hint });
}
