// The sync channel over the `myctr` command's two FIFOs (early-stage0.ts), as SyncChannel reads and writes it,
// without loading node:net before the init has its config. node:net and the stream machinery take ~7 ms of
// the CLI's start, and until the config is written the CLI's path is the container's: so writes go out with
// a plain write(2) (the FIFO is blocking; a config is read at once by the init, which waits for it), and the
// reading end becomes a net.Socket on the turn of the event loop after the first write, while the init sets
// the container up. Nothing comes from the init before it has its config (protocol/init-sync.ts). Until
// then, readSync() reads with a plain, blocking read(2), for a caller with nothing else to wait for.
// Not fs.read() on the thread pool: a read pending there would hang this process's exit.
import { EventEmitter } from 'node:events';
import { closeSync, readSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { nodeNet } from '../../lazy-builtins.js';

/** What SyncChannel uses of its transport: a net.Socket or stream.Duplex is one; so is FifoChannel. */
export interface SyncStream {
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  write(data: string): unknown;
  destroy(): unknown;
  /** Blocks until some data comes; null at EOF; undefined when it cannot read synchronously (any more). */
  readSync?(): string | null | undefined;
}

/** Writes all of `data` to a blocking fd. */
function writeAll(fd: number, data: string): void {
  const buf = Buffer.from(data);
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
}

/** Reads from `readFd` and writes to `writeFd`: FIFO ends of ours alone, both opened blocking. */
export class FifoChannel extends EventEmitter implements SyncStream {
  private reader: Socket | undefined;
  private encoding: BufferEncoding | undefined;
  private destroyed = false;
  private started = false;
  /** readSync's: a character split between two reads is completed by the next one. */
  private decoder: InstanceType<typeof TextDecoder> | undefined;

  /** `onRead`: called when reading starts, for whatever else should start then. */
  constructor(private readonly readFd: number, private readonly writeFd: number, private readonly onRead?: () => void) {
    super();
  }

  setEncoding(encoding: BufferEncoding): this {
    this.encoding = encoding;
    this.reader?.setEncoding(encoding);
    return this;
  }

  write(data: string): boolean {
    if (this.destroyed) return false;
    try {
      writeAll(this.writeFd, data);
    } catch (err) {
      // EPIPE: the init is gone. As a socket would, report it as an error event, not to the writer.
      setImmediate(() => this.emit('error', err));
      return false;
    }
    if (!this.started) {
      this.started = true;
      setImmediate(() => this.startReading());
    }
    return true;
  }

  readSync(): string | null | undefined {
    if (this.reader || this.destroyed) return undefined;
    const buf = Buffer.allocUnsafe(65536);
    for (;;) {
      try {
        const n = readSync(this.readFd, buf, 0, buf.length, null);
        if (n === 0) return null;
        this.decoder ??= new TextDecoder(this.encoding ?? 'utf-8');
        return this.decoder.decode(buf.subarray(0, n), { stream: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINTR') throw err;
      }
    }
  }

  private startReading(): void {
    if (this.destroyed) return;
    this.onRead?.();
    const reader = new (nodeNet().Socket)({ fd: this.readFd, readable: true, writable: false });
    if (this.encoding) reader.setEncoding(this.encoding);
    for (const event of ['data', 'end', 'close', 'error']) reader.on(event, (...args: unknown[]) => this.emit(event, ...args));
    this.reader = reader;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    closeSync(this.writeFd);
    if (this.reader) {
      this.reader.destroy(); // its `close` is ours
    } else {
      closeSync(this.readFd);
      setImmediate(() => this.emit('close'));
    }
  }
}
