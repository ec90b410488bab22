// What the host's /proc says of a process: /proc/<pid>/stat fields and its children. The one parser of
// /proc/<pid>/stat (its comm, field 2, may hold spaces and parentheses: the rest starts after the last ')').
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** Field 3: R, S, D, Z (zombie), X (dead), … */
  state: string;
  ppid: number;
  /** Field 22: start time in clock ticks since boot. */
  startTime: number;
}

/** Parses the text of /proc/<pid>/stat. */
export function parseStat(text: string): ProcStat {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0]!, ppid: Number(rest[1]), startTime: Number(rest[19]) };
}

/** /proc/<pid>/stat, or undefined when the pid is gone. */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try { text = readFileSync(`/proc/${pid}/stat`, 'latin1'); } catch { return undefined; }
  return parseStat(text);
}

/** Zombie or dead: its exit is done, only the reaping is left. */
export function isExited(st: ProcStat): boolean {
  return st.state === 'Z' || st.state === 'X';
}

/** The children of `pid`'s main thread (/proc/<pid>/task/<pid>/children), [] when it is gone. */
export function childrenOf(pid: number): number[] {
  let text: string;
  try { text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1'); } catch { return []; }
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}
