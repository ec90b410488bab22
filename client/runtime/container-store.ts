// Container records on disk: <root>/containers/<id>/{config.json,state.json,upper,work,rootfs} and the
// name index <root>/names/<name> (a symlink to the id: creating it is the atomic name reservation).
// Runtime files (the /etc files) live under <runRoot>/containers/<id>.
import { mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { MyctrPaths } from '../paths.js';
import { writeJsonAtomic } from '../storage/atomic.js';
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

  /** Reserves the name (ConflictError when taken) and writes the config. */
  reserveName(name: string, id: string): void {
    mkdirSync(this.namesDir, { recursive: true, mode: 0o700 });
    try {
      symlinkSync(id, join(this.namesDir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = '?';
      try { owner = shortId(readlinkSync(join(this.namesDir, name))); } catch { /* raced with a removal */ }
      throw new ConflictError(`the container name \`${name}\` is already in use by container ${owner}`,
        `remove that container (\`myctr rm ${name}\`) or choose another --name`);
    }
  }

  releaseName(name: string, id: string): void {
    const link = join(this.namesDir, name);
    try { if (readlinkSync(link) === id) unlinkSync(link); } catch { /* already released */ }
  }

  createDirs(id: string): ContainerLayout {
    const l = this.layout(id);
    mkdirSync(this.containersDir, { recursive: true, mode: 0o700 });
    mkdirSync(l.dir, { mode: 0o700 });
    for (const d of [l.upper, l.work, l.rootfs]) mkdirSync(d, { mode: 0o755 });
    mkdirSync(l.runDir, { recursive: true, mode: 0o700 });
    return l;
  }

  saveConfig(spec: ContainerSpec): void {
    writeJsonAtomic(join(this.layout(spec.id).dir, 'config.json'), spec, 0o600);
  }

  saveState(id: string, state: ContainerState): void {
    writeJsonAtomic(join(this.layout(id).dir, 'state.json'), state, 0o600);
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

  /** Removes everything the container owns on disk; idempotent. */
  async remove(id: string, name: string | undefined): Promise<void> {
    const l = this.layout(id);
    if (name !== undefined) this.releaseName(name, id);
    await removeTree(l.runDir);
    await removeTree(l.dir);
  }
}
