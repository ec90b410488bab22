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

/** Splits a byte stream into JSON messages; a line over `max` bytes is a protocol error. */
export class LineDecoder {
  private buf = '';
  constructor(private readonly max = 1 << 20) {}
  push(chunk: string): unknown[] {
    this.buf += chunk;
    const out: unknown[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      this.checkSize(line);
      if (line) out.push(JSON.parse(line));
    }
    this.checkSize(this.buf);
    return out;
  }
  private checkSize(line: string): void {
    if (Buffer.byteLength(line) > this.max) throw new Error(`sync message over ${this.max} bytes`);
  }
}
