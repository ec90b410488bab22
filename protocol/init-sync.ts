// Messages between the parent (the myctr CLI or supervisor) and the container init over fd 3, and THE
// start sequence. Newline-delimited JSON: the init must start fast and import little (STYLE §0.9), and
// every message is small. Keep this diagram true; client/runtime/start/sequence.ts is its only driver.
//
//  parent (uid U)                      stage0: setpriv → unshare → /bin/sh        init (node, uid 0 in ns)
//  spawn  setpriv --pdeathsig KILL unshare --user --mount --pid … --fork -- sh -c HANDSHAKE node init
//                     <── "m"              (one raw byte: the user namespace exists, map me)
//  newuidmap/newgidmap <unshare pid>   (or setgroups=deny + single-line maps)
//                     ──> "\n"            sh: exec node init  (caps come from this exec, after the map)
//                     ──> config          {ops, process}
//                                                                        applySetupOps(ops) … pivot_root
//                                                                        [tty: open ptmx; master → fd 4]
//                     <── ready                                          (nothing of the user's runs yet)
//  record state {status: running, pid}
//                     ──> start
//                                                                        finalize: setsid, user, caps,
//                                                                        no_new_privs, fds, signals, execve
//                     <── exec-failed {errno, exitCode, message} | error {error} | EOF (= exec succeeded)
//
// As root no user namespace is created, there is no "m"/"\n" exchange, and unshare execs node directly.

/** Error as it crosses a process boundary; decoded back into a MyctrError by `code`. */
export interface WireError { code: string; message: string; hint?: string | undefined }

/** parent → init. */
export type ParentToInit =
  | { type: 'config'; config: InitConfig }
  | { type: 'start' };

/** init → parent. */
export type InitToParent =
  | { type: 'ready' }
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; msg: string }
  | { type: 'exec-failed'; exitCode: 126 | 127; error: WireError }
  | { type: 'error'; error: WireError };

/** Everything the init needs: the ordered setup ops and what to exec. */
export interface InitConfig {
  ops: unknown[];
  process: ProcessSpec;
  /** Debug logging requested (the init forwards its op log as `log` messages). */
  debug: boolean;
  /** Tests only: fail setup op n (rollback tests). */
  failOp?: number;
  /** The init was given the CLI's stdin but the run has no -i: it puts /dev/null there (early-stage0.ts). */
  nullStdin?: boolean;
}

export interface ProcessSpec {
  args: string[];
  env: string[];
  cwd: string;
  /** `-u` as given: `name|uid[:group|gid]`, or '' for the image default (root). */
  user: string;
  hostname: string;
  terminal: boolean;
  noNewPrivileges: boolean;
  /** Capability names (CAP_*) for bounding/effective/permitted, and inheritable for uid 0. */
  capabilities: string[];
  /** --group-add: extra supplementary groups. */
  groupAdd: string[];
}

/** Encodes one message as a line. */
export function encodeLine(msg: ParentToInit | InitToParent): string {
  return JSON.stringify(msg) + '\n';
}

/**
 * Splits a byte stream into JSON messages, one per UTF-8 line; a line over `max` bytes is a protocol error.
 * It works on bytes: a newline byte never occurs inside a UTF-8 sequence, so each complete line decodes whole,
 * with no streaming text decoder (whose first use cost the init ~0.5 ms on its way to the config).
 */
export class LineDecoder {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly max = 1 << 20) {}
  /** A chunk of the stream; a string is taken as its UTF-8 bytes. The caller may reuse its buffer afterwards. */
  push(chunk: Uint8Array | string): unknown[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const out: unknown[] = [];
    let start = 0;
    for (let nl: number; (nl = buf.indexOf(10, start)) >= 0; start = nl + 1) {
      this.checkSize(nl - start);
      if (nl > start) out.push(JSON.parse(buf.toString('utf8', start, nl)));
    }
    this.checkSize(buf.length - start);
    this.pending = Buffer.from(buf.subarray(start)); // a copy: `chunk` may be the caller's reused buffer
    return out;
  }
  private checkSize(bytes: number): void {
    if (bytes > this.max) throw new Error(`sync message over ${this.max} bytes`);
  }
}
