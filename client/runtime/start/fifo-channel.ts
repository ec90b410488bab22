// The `myctr` command's FIFOs (early-stage0.ts) as the CLI reads and writes them, without node:net: loading it
// and the streams costs ~7-10 ms of CPU, on the critical path of a plain `myctr run` wherever it falls (before
// the config is written, or while the init execs the workload). Writes are a plain write(2) on a blocking fd
// (messages are small, and the init reads each at once). Reads are fs.read() on libuv's thread pool, on a
// blocking fd: a pending read holds a pool thread until data or EOF comes. One must not be pending when this
// process exits, whose exit joins the pool's threads: early-stage0.ts ends stage 0 on 'exit', and the
// channel closes its write end then, so that the init and stage 0 go away and every FIFO reads EOF.
import { EventEmitter } from 'node:events';
import { closeSync, read, writeSync } from 'node:fs';

/** What SyncChannel uses of its transport (bytes in, strings out): a net.Socket is one; so is FifoChannel. */
export interface SyncStream {
  on(event: string, listener: (...args: any[]) => void): unknown;
  write(data: string): unknown;
  destroy(): unknown;
}

/** Emits `data` (Buffers of its own), then `end` at EOF or `error`, then `close`. */
export class FifoReader extends EventEmitter {
  private started = false;
  private pending = false;
  private done = false;
  private closed = false;

  /** `fd`: a blocking FIFO end, which this reader owns and closes. */
  constructor(private readonly fd: number) {
    super();
  }

  /** Starts reading, once. */
  start(): void {
    if (this.started || this.done) return;
    this.started = true;
    this.next(Buffer.allocUnsafe(65536));
  }

  private next(buf: Buffer): void {
    this.pending = true;
    read(this.fd, buf, 0, buf.length, null, (err, n) => {
      this.pending = false;
      if (this.done) return this.closeFd();
      if (err && (err as NodeJS.ErrnoException).code === 'EINTR') return this.next(buf);
      if (err || n === 0) return this.finish(err ?? undefined);
      this.emit('data', Buffer.from(buf.subarray(0, n))); // a copy: `buf` is read into again
      if (!this.done) this.next(buf);
    });
  }

  private finish(err?: Error): void {
    if (this.done) return;
    this.done = true;
    this.closeFd();
    if (err) this.emit('error', err); else this.emit('end');
    this.emit('close');
  }

  /** No more events. The fd is closed now, or when a pending read returns (its number is not reused before). */
  destroy(): void {
    if (this.done) return;
    this.done = true;
    if (!this.pending) this.closeFd();
    setImmediate(() => this.emit('close'));
  }

  private closeFd(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Writes all of `data` to a blocking fd. */
function writeAll(fd: number, data: string): void {
  const buf = Buffer.from(data);
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
}

/**
 * The sync channel: reads `readFd` and writes `writeFd` (FIFO ends of ours alone, both blocking). Reading starts
 * with the first write (nothing comes from the init before its config); `onStart` is called then too.
 */
export class FifoChannel extends EventEmitter implements SyncStream {
  private readonly reader: FifoReader;
  private writeFd: number | undefined;

  constructor(readFd: number, writeFd: number, private readonly onStart?: () => void) {
    super();
    this.writeFd = writeFd;
    this.reader = new FifoReader(readFd);
    for (const event of ['data', 'end', 'error', 'close']) this.reader.on(event, (...args: unknown[]) => this.emit(event, ...args));
    // At exit, EOF for the init: it exits, and a read of ours still pending returns (see the top).
    process.once('exit', () => this.closeWriter());
  }

  write(data: string): boolean {
    if (this.writeFd === undefined) return false;
    try {
      writeAll(this.writeFd, data);
    } catch (err) {
      // EPIPE: the init is gone. As a socket would, report it as an error event, not to the writer.
      setImmediate(() => this.emit('error', err));
      return false;
    }
    this.reader.start();
    this.onStart?.();
    return true;
  }

  private closeWriter(): void {
    if (this.writeFd === undefined) return;
    closeSync(this.writeFd);
    this.writeFd = undefined;
  }

  destroy(): void {
    this.closeWriter();
    this.reader.destroy();
  }
}
