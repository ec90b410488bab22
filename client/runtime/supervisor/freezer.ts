// pause/unpause through a freezer cgroup: the v1 freezer (/sys/fs/cgroup/freezer, root on this kind of
// hybrid host) or cgroup v2's cgroup.freeze where the v2 tree has ours to write. The container's processes
// (PID 1 and its descendants, found from outside through /proc) are moved into <freezer>/myctr/<id>, then
// frozen. Whether a container is paused is read from the kernel, never recorded.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MyctrError } from '../errors.js';

interface Freezer { dir: string; freeze(): void; thaw(): void; frozen(): boolean }

const V1 = '/sys/fs/cgroup/freezer';

function v1(id: string): Freezer {
  const dir = join(V1, 'myctr', id);
  const state = join(dir, 'freezer.state');
  return {
    dir,
    freeze: () => writeFileSync(state, 'FROZEN'),
    thaw: () => writeFileSync(state, 'THAWED'),
    frozen: () => { try { return readFileSync(state, 'utf8').trim() !== 'THAWED'; } catch { return false; } },
  };
}

/** The freezer for a container, or an error saying why this host or user has none. */
export function freezerFor(id: string): Freezer {
  if (process.geteuid?.() === 0 && existsSync(join(V1, 'cgroup.procs'))) return v1(id);
  throw new MyctrError('MYCTR_MISSING_TOOL', 'pause needs a freezer cgroup, and none is writable here', {
    hint: process.geteuid?.() === 0
      ? 'mount the v1 freezer controller at /sys/fs/cgroup/freezer, or use a cgroup v2 host'
      : 'rootless pause needs a delegated cgroup v2 subtree (systemd user session with Delegate=yes); this host has none',
  });
}

/** PID 1 and every descendant, from the host's /proc. */
function treeOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch { /* exited */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { out.push(p); for (const c of children.get(p) ?? []) walk(c); };
  walk(root);
  return out;
}

export async function pauseTree(id: string, pid: number): Promise<void> {
  const f = freezerFor(id);
  mkdirSync(f.dir, { recursive: true });
  // Moving is racy against forks; children inherit the cgroup, so repeating until nothing new moves is enough.
  for (let round = 0; round < 10; round++) {
    const procs = readFileSync(join(f.dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    const missing = treeOf(pid).filter((p) => !procs.includes(p));
    if (missing.length === 0) break;
    for (const p of missing) { try { writeFileSync(join(f.dir, 'cgroup.procs'), String(p)); } catch { /* exited */ } }
  }
  f.freeze();
  for (let i = 0; i < 200 && readFileSync(join(f.dir, 'freezer.state'), 'utf8').trim() !== 'FROZEN'; i++) await sleep(10);
}

export function unpauseTree(id: string): void {
  freezerFor(id).thaw();
}

/** True while the container's freezer cgroup is frozen (false where there is none). */
export function isPaused(id: string): boolean {
  try { return freezerFor(id).frozen(); } catch { return false; }
}

/** Thaws (a frozen process cannot die) and removes the cgroup once it is empty; quiet where there is none. */
export function releaseFreezer(id: string, remove: boolean): void {
  let f: Freezer;
  try { f = freezerFor(id); } catch { return; }
  if (!existsSync(f.dir)) return;
  try { f.thaw(); } catch { /* gone */ }
  if (remove) { try { rmdirSync(f.dir); } catch { /* still has processes: removed by the next rm */ } }
}
