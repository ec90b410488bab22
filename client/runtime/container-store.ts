// Container records on disk: <root>/containers/<id>/{config.json,state.json,upper,work,rootfs} and the
// name index <root>/names/<name> (a symlink to the id: creating it is the atomic name reservation).
// Runtime files (the /etc files) live under <runRoot>/containers/<id>.
//
// A record appears whole or not at all: it is assembled in `containers/.tmp-<pid>-<id>` (invisible to ids())
// and renamed into place. Ordering, for a creator killed at any instant:
//   1. stage the dir   2. link the name   3. write config (and state)   4. rename to <id>
// A name link is live while its id has a record or a staging dir whose process lives; otherwise it is stale and
// the next create reclaims it. Stale staging dirs (their process is gone) are swept by the next create.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isStaleTmpName, newTmpName } from '../image/tmp-names.js';
import type { MyctrPaths } from '../paths.js';
import { fsyncDir, writeJsonAtomic } from '../storage/atomic.js';
import { removeSync } from '../storage/remove.js';
import { ConflictError, NotFoundError, UsageError } from './errors.js';
import { shortId } from './names.js';
import type { ContainerSpec } from './spec.js';
import { removeTree } from './userns-run.js';

export type ContainerStatus = 'created' | 'running' | 'stopped';

export interface ContainerState {
  status: ContainerStatus;
  /** Host pid of the container's PID 1 while it runs. */
  pid?: number;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** The boot the pid belongs to: after a reboot a recorded pid means nothing. */
  bootId: string;
  /** Detached containers: the supervisor that is PID 1's parent's parent, and its start time (pid reuse). */
  supervisorPid?: number;
  supervisorStart?: number;
  /** Start time (clock ticks since boot, /proc/<pid>/stat field 22) of `pid`: guards against pid reuse. */
  pidStart?: number;
  restartCount?: number;
  /** Stopped with `stop`/`kill`: restart policies other than `always` leave it stopped. */
  stoppedByUser?: boolean;
  /** Why it is not running when that is not the workload's doing (setup failed, supervisor lost). */
  error?: string;
}

export interface ContainerLayout {
  dir: string;
  upper: string;
  work: string;
  rootfs: string;
  copy: string;
  runDir: string;
}

let bootIdCache: string | undefined;
export function bootId(): string {
  bootIdCache ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return bootIdCache;
}

export class ContainerStore {
  readonly containersDir: string;
  readonly namesDir: string;
  readonly runDir: string;

  constructor(paths: MyctrPaths) {
    this.containersDir = join(paths.root, 'containers');
    this.namesDir = join(paths.root, 'names');
    this.runDir = join(paths.runRoot, 'containers');
  }

  layout(id: string): ContainerLayout {
    const dir = join(this.containersDir, id);
    return { dir, upper: join(dir, 'upper'), work: join(dir, 'work'), rootfs: join(dir, 'rootfs'), copy: join(dir, 'copy'),
      runDir: join(this.runDir, id) };
  }

  /** Reserves the name (ConflictError when a live container has it); call after stageRecord. */
  reserveName(name: string, id: string): void {
    mkdirSync(this.namesDir, { recursive: true, mode: 0o700 });
    const link = join(this.namesDir, name);
    for (let attempt = 0; ; attempt++) {
      try {
        symlinkSync(id, link);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let owner: string | undefined;
      try { owner = readlinkSync(link); } catch { /* raced with a removal: try again */ }
      if (owner !== undefined && (attempt > 0 || this.hasLiveRecord(owner))) {
        throw new ConflictError(`the container name \`${name}\` is already in use by container ${shortId(owner)}`,
          `remove that container (\`myctr rm ${name}\`) or choose another --name`);
      }
      // Left by a create that was killed before its record existed. Re-read right before the unlink: two
      // creates reclaiming the same stale name at the same instant could race only in that window.
      if (owner !== undefined) this.unlinkIfStill(link, owner);
    }
  }

  /** true while `id` has a record, or a staging dir whose creator lives (it may be about to commit). */
  private hasLiveRecord(id: string): boolean {
    // Staging first, then the record: a rename in between is then seen as the record.
    const staged = this.listDir().some((e) => e.endsWith(`-${id}`) && e.startsWith('.tmp-') && !isStaleTmpName(e));
    return staged || existsSync(join(this.containersDir, id));
  }

  private unlinkIfStill(link: string, target: string): void {
    try { if (readlinkSync(link) === target) unlinkSync(link); } catch { /* already gone */ }
  }

  private listDir(): string[] {
    try { return readdirSync(this.containersDir); } catch { return []; }
  }

  releaseName(name: string, id: string): void {
    const link = join(this.namesDir, name);
    try { if (readlinkSync(link) === id) unlinkSync(link); } catch { /* already released */ }
  }

  /** Step 1: the record's dirs under a staging name (see the top of this file); sweeps stale leftovers first. */
  stageRecord(id: string): string {
    mkdirSync(this.containersDir, { recursive: true, mode: 0o700 });
    this.sweepStale();
    const staging = join(this.containersDir, newTmpName(process.pid, id));
    mkdirSync(staging, { mode: 0o700 });
    for (const d of ['upper', 'work', 'rootfs']) mkdirSync(join(staging, d), { mode: 0o755 });
    return staging;
  }

  /** Step 4: the staged record becomes the container (one rename), and gets its run dir. */
  commitRecord(id: string, staging: string): ContainerLayout {
    const l = this.layout(id);
    renameSync(staging, l.dir);
    fsyncDir(this.containersDir);
    mkdirSync(l.runDir, { recursive: true, mode: 0o700 });
    return l;
  }

  /** Undoes stageRecord when the create fails before commitRecord; a no-op after it. */
  discardStaged(staging: string): void {
    // Staged records hold only empty dirs and json files of our own: a plain rm suffices.
    removeSync(staging);
  }

  /** Staging dirs and name links left by creates that were killed (their process is gone). */
  private sweepStale(): void {
    let names: string[] = [];
    try { names = readdirSync(this.namesDir); } catch { /* no names yet */ }
    const links = new Map<string, string>();
    for (const name of names) {
      try { links.set(join(this.namesDir, name), readlinkSync(join(this.namesDir, name))); } catch { /* removed meanwhile */ }
    }
    // One listing, read after the links: an id seen in neither form gets the careful check before its unlink.
    const entries = this.listDir();
    const known = new Set(entries.filter((e) => !isStaleTmpName(e)).map((e) => e.replace(/^\.tmp-\d+-/, '')));
    for (const [link, id] of links) if (!known.has(id) && !this.hasLiveRecord(id)) this.unlinkIfStill(link, id);
    for (const e of entries) {
      if (isStaleTmpName(e)) this.discardStaged(join(this.containersDir, e));
    }
  }

  /** Step 3 (into the staging dir), or a later config change. */
  saveConfig(spec: ContainerSpec, dir = this.layout(spec.id).dir): void {
    writeJsonAtomic(join(dir, 'config.json'), spec, 0o600);
  }

  saveState(id: string, state: ContainerState, dir = this.layout(id).dir): void {
    writeJsonAtomic(join(dir, 'state.json'), state, 0o600);
  }

  /** Path of the json-file log (root with the default store: a link to /var/log/myctr, see supervisor/log-path.ts). */
  logPath(id: string): string {
    return join(this.layout(id).dir, 'ctr.log');
  }

  loadConfig(id: string): ContainerSpec {
    return JSON.parse(readFileSync(join(this.layout(id).dir, 'config.json'), 'utf8')) as ContainerSpec;
  }

  loadState(id: string): ContainerState | undefined {
    try {
      return JSON.parse(readFileSync(join(this.layout(id).dir, 'state.json'), 'utf8')) as ContainerState;
    } catch {
      return undefined;
    }
  }

  ids(): string[] {
    try { return readdirSync(this.containersDir).filter((d) => /^[0-9a-f]{64}$/.test(d)); } catch { return []; }
  }

  /** A name, a full id or a unique id prefix. */
  resolve(ref: string): string {
    try { return readlinkSync(join(this.namesDir, ref)); } catch { /* not a name */ }
    const matches = this.ids().filter((id) => id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new UsageError(`container id prefix \`${ref}\` is ambiguous`, 'give more characters of the id');
    throw new NotFoundError(`no such container \`${ref}\``, '`myctr ps -a` lists containers');
  }

  /** Removes everything the container owns on disk; idempotent. `blocking`: see removeTree. */
  async remove(id: string, name: string | undefined, opts: { blocking?: boolean } = {}): Promise<void> {
    const l = this.layout(id);
    if (name !== undefined) this.releaseName(name, id);
    await removeTree(l.runDir, opts);
    await removeTree(l.dir, opts);
  }
}
