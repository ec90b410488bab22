// pause/unpause through a freezer cgroup: cgroup v2's `cgroup.freeze` where the v2 tree has a place we may
// write (root — also on a hybrid host, whose v2 mount has no controllers but still freezes — or a rootless user
// with a delegated subtree), else the v1 freezer (/sys/fs/cgroup/freezer, root only). The container's
// processes (PID 1 and its descendants, found from outside through /proc) are moved into a cgroup of its own,
// then frozen. The cgroup's path is noted in the container's run dir (`freezer`) so that later commands find
// it; whether the container is paused is read from the kernel, never recorded.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MyctrError } from '../errors.js';
import { parseStat } from '../proc.js';

export interface Freezer { kind: 'v1' | 'v2'; dir: string; freeze(): void; thaw(): void; frozen(): boolean; settled(): boolean }

const V1 = '/sys/fs/cgroup/freezer';
const RECORD = 'freezer';

const read = (path: string): string => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };

/** A freezer cgroup at `dir`, v1 or v2 by the files the kernel put there. */
export function freezerAt(dir: string): Freezer {
  if (existsSync(join(dir, 'freezer.state')) || dir.startsWith(`${V1}/`)) {
    const state = join(dir, 'freezer.state');
    return {
      kind: 'v1', dir,
      freeze: () => writeFileSync(state, 'FROZEN'),
      thaw: () => writeFileSync(state, 'THAWED'),
      frozen: () => { const s = read(state).trim(); return s !== '' && s !== 'THAWED'; },
      settled: () => read(state).trim() === 'FROZEN',
    };
  }
  return {
    kind: 'v2', dir,
    freeze: () => writeFileSync(join(dir, 'cgroup.freeze'), '1'),
    thaw: () => writeFileSync(join(dir, 'cgroup.freeze'), '0'),
    frozen: () => read(join(dir, 'cgroup.freeze')).trim() === '1',
    // cgroup.events says `frozen 1` once every task of the cgroup stopped.
    settled: () => /^frozen 1$/m.test(read(join(dir, 'cgroup.events'))),
  };
}

/** Where cgroup2 is mounted (/sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one). */
export function cgroup2Mount(mountinfo = read('/proc/self/mountinfo')): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.split(' ')[0] === 'cgroup2') return pre!.split(' ')[4];
  }
  return undefined;
}

/** The v2 cgroup of `pid` (`0::/path`), relative to the mount. */
function v2CgroupOf(pid: number): string | undefined {
  return /^0::(\/.*)$/m.exec(read(`/proc/${pid}/cgroup`))?.[1];
}

function writable(path: string): boolean {
  try { accessSync(path, constants.W_OK); return true; } catch { return false; }
}

/**
 * The v2 cgroup dir for a container: root takes `<mount>/myctr/<id>`; another user needs the cgroup its
 * container runs in to be writable (a delegated subtree) and takes `<that>/myctr/<id>`. Undefined otherwise.
 */
export function v2DirFor(id: string, pid: number, root: boolean): { dir?: string; why: string } {
  const mnt = cgroup2Mount();
  if (!mnt) return { why: 'no cgroup2 mount' };
  if (root) return { dir: join(mnt, 'myctr', id), why: '' };
  const cg = v2CgroupOf(pid);
  if (!cg) return { why: `no cgroup v2 path for pid ${pid}` };
  const base = join(mnt, cg.replace(new RegExp(`/myctr/${id}$`), ''));
  if (!writable(base) || !writable(join(base, 'cgroup.procs'))) return { why: `\`${base}\` is not writable by uid ${process.geteuid?.()}` };
  return { dir: join(base, 'myctr', id), why: '' };
}

/** The freezer to pause a container with, or an error saying why this host or user has none. */
export function chooseFreezer(id: string, pid: number): Freezer {
  const root = process.geteuid?.() === 0;
  const only = process.env.MYCTR_TEST_FREEZER; // the tests force one kind to cover both on a host that has both
  const v2 = only === 'v1' ? { why: 'v1 forced' } : v2DirFor(id, pid, root);
  if (v2.dir) return freezerAt(v2.dir);
  if (root && only !== 'v2' && existsSync(join(V1, 'cgroup.procs'))) return freezerAt(join(V1, 'myctr', id));
  throw new MyctrError('MYCTR_UNSUPPORTED', `pause needs a freezer cgroup, and none is writable here (${v2.why})`, {
    hint: root
      ? 'mount cgroup2 (or the v1 freezer controller at /sys/fs/cgroup/freezer)'
      : 'rootless pause needs a cgroup v2 subtree delegated to you (a systemd user session with Delegate=yes), or root',
  });
}

/** The freezer a container was paused with, from its run dir; undefined when it never was. */
export function recordedFreezer(runDir: string): Freezer | undefined {
  const dir = read(join(runDir, RECORD)).trim();
  return dir ? freezerAt(dir) : undefined;
}

/** PID 1 and every descendant, from the host's /proc. */
function treeOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const stat = read(`/proc/${e}/stat`);
    if (!stat) continue;
    const { ppid } = parseStat(stat);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
  }
  const out: number[] = [];
  const walk = (p: number) => { out.push(p); for (const c of children.get(p) ?? []) walk(c); };
  walk(root);
  return out;
}

export async function pauseTree(runDir: string, id: string, pid: number): Promise<void> {
  const f = chooseFreezer(id, pid);
  mkdirSync(f.dir, { recursive: true });
  writeFileSync(join(runDir, RECORD), f.dir);
  const procsFile = join(f.dir, 'cgroup.procs');
  // Moving is racy against forks; children inherit the cgroup, so repeating until nothing new moves is enough.
  for (let round = 0; round < 10; round++) {
    const procs = read(procsFile).split('\n').filter(Boolean).map(Number);
    const missing = treeOf(pid).filter((p) => !procs.includes(p));
    if (missing.length === 0) break;
    for (const p of missing) {
      try { writeFileSync(procsFile, String(p)); } catch (err) {
        if (p === pid && existsSync(`/proc/${p}`)) {
          throw new MyctrError('MYCTR_SYSCALL', `cannot move the container into \`${f.dir}\`: ${(err as Error).message}`,
            { hint: 'the cgroup must be writable by you, and so must the one the container runs in' });
        }
      }
    }
  }
  f.freeze();
  for (let i = 0; i < 200 && !f.settled(); i++) await sleep(10);
}

export function unpauseTree(runDir: string): void {
  recordedFreezer(runDir)?.thaw();
}

/** True while the container's freezer cgroup is frozen (false where there is none). */
export function isPaused(runDir: string): boolean {
  return recordedFreezer(runDir)?.frozen() ?? false;
}

/** Thaws (a frozen process cannot act on a signal) and, with `remove`, deletes the empty cgroup. Quiet. */
export function releaseFreezer(runDir: string, remove: boolean): void {
  const f = recordedFreezer(runDir);
  if (!f || !existsSync(f.dir)) return;
  try { f.thaw(); } catch { /* gone */ }
  if (!remove) return;
  try { rmdirSync(f.dir); } catch { return; /* still has processes: removed by the next rm */ }
  try { unlinkSync(join(runDir, RECORD)); } catch { /* gone with the run dir */ }
}
