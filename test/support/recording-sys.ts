// RecordingSys: a Sys that performs nothing and records every call as `{fn, args}`, for applySetupOps unit
// tests. It can be told to fail the Nth call of a method with an errno, thrown as the real SyscallError.
import { SyscallError } from '../../sys/check.js';
import { errnoNumber } from '../../sys/errno.js';
import type { Sys } from '../../sys/sys.js';

export type SysFn = keyof Sys;

/** One call as it reached the Sys, failed ones included. */
export interface RecordedCall { fn: SysFn; args: unknown[] }

interface Failure { fn: SysFn; nth: number; errno: string }

export class RecordingSys implements Sys {
  readonly calls: RecordedCall[] = [];
  private readonly failures: Failure[] = [];
  private readonly counts = new Map<SysFn, number>();

  /** @param flags what mountFlagsOf() returns for every path. */
  constructor(private readonly flags = 0) {}

  /** Makes the `nth` (1-based) call of `fn` throw SyscallError(`errno`, e.g. 'EPERM') after recording it. */
  failNth(fn: SysFn, nth: number, errno: string): this {
    errnoNumber(errno); // a typo in a test's errno name fails here, not as a confusing mismatch later
    this.failures.push({ fn, nth, errno });
    return this;
  }

  /** The recorded calls of one method, as argument lists. */
  argsOf(fn: SysFn): unknown[][] {
    return this.calls.filter((c) => c.fn === fn).map((c) => c.args);
  }

  /** The sequence of method names called. */
  fns(): SysFn[] {
    return this.calls.map((c) => c.fn);
  }

  private record(fn: SysFn, args: unknown[], subject: string): void {
    this.calls.push({ fn, args });
    const n = (this.counts.get(fn) ?? 0) + 1;
    this.counts.set(fn, n);
    const f = this.failures.find((x) => x.fn === fn && x.nth === n);
    if (f) throw new SyscallError(fn, errnoNumber(f.errno), subject);
  }

  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void {
    this.record('mount', [source, target, fstype, flags, data], `\`${source ?? 'none'}\` on \`${target}\``);
  }

  umount2(target: string, flags: number): void {
    this.record('umount2', [target, flags], `\`${target}\``);
  }

  pivotRoot(newRoot: string, putOld: string): void {
    this.record('pivotRoot', [newRoot, putOld], `\`${newRoot}\``);
  }

  remountReadOnly(target: string, opts: { bind: boolean }): void {
    this.record('remountReadOnly', [target, opts], `\`${target}\``);
  }

  bindMount(source: string, target: string, opts: { recursive: boolean; readonly: boolean }): void {
    this.record('bindMount', [source, target, opts], `\`${source}\` on \`${target}\``);
  }

  mountFlagsOf(path: string): number {
    this.record('mountFlagsOf', [path], `\`${path}\``);
    return this.flags;
  }

  sethostname(name: string): void {
    this.record('sethostname', [name], `\`${name}\``);
  }

  chdir(path: string): void {
    this.record('chdir', [path], `\`${path}\``);
  }

  interfaceUp(ifname: string): void {
    this.record('interfaceUp', [ifname], `\`${ifname}\``);
  }
}
