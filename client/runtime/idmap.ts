// User-namespace id mappings: /etc/subuid + /etc/subgid parsing, the mapping plan (container 0 → the user,
// 1..N → their subordinate range) and writing it with newuidmap/newgidmap, or the single-line fallback.
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import { MyctrError } from './errors.js';
import { childProcess } from '../lazy-builtins.js';

/** One `name:start:count` line of /etc/subuid or /etc/subgid. */
export interface SubIdRange { owner: string; start: number; count: number }

/** One line of /proc/<pid>/uid_map: ids `inner..inner+count` in the namespace are `outer..` on the host. */
export interface IdMapLine { inner: number; outer: number; count: number }

export interface IdMapPlan {
  uidMap: IdMapLine[];
  gidMap: IdMapLine[];
  /** true when no subordinate range exists: only container 0 is mapped, setgroups is denied. */
  single: boolean;
}

const MAX_ID = 0xffffffff;

/** Parses subuid/subgid text strictly (CVE-2016-6252: overflow in range parsing); malformed lines are skipped. */
export function parseSubIdFile(text: string): SubIdRange[] {
  const out: SubIdRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length !== 3) continue;
    const [owner, s, c] = parts as [string, string, string];
    if (!owner || !/^\d{1,10}$/.test(s) || !/^\d{1,10}$/.test(c)) continue;
    const start = Number(s);
    const count = Number(c);
    if (count === 0 || start + count > MAX_ID) continue;
    out.push({ owner, start, count });
  }
  return out;
}

/** Ranges that belong to the user, matched by name or by numeric uid (shadow's rule). */
export function rangesFor(ranges: readonly SubIdRange[], user: string, uid: number): SubIdRange[] {
  return ranges.filter((r) => r.owner === user || r.owner === String(uid));
}

/** Container 0 → `id`; container 1.. → the ranges in file order. Without ranges: a single mapping. */
export function planIdMap(uid: number, gid: number, subuids: readonly SubIdRange[], subgids: readonly SubIdRange[]): IdMapPlan {
  if (subuids.length === 0 || subgids.length === 0) {
    return { uidMap: [{ inner: 0, outer: uid, count: 1 }], gidMap: [{ inner: 0, outer: gid, count: 1 }], single: true };
  }
  return { uidMap: mapWithRanges(uid, subuids), gidMap: mapWithRanges(gid, subgids), single: false };
}

function mapWithRanges(id: number, ranges: readonly SubIdRange[]): IdMapLine[] {
  const lines: IdMapLine[] = [{ inner: 0, outer: id, count: 1 }];
  let inner = 1;
  for (const r of ranges) {
    lines.push({ inner, outer: r.start, count: r.count });
    inner += r.count;
  }
  return lines;
}

/** The highest container id + 1 a plan maps (65537 for a standard 65536 range). */
export function mappedCount(lines: readonly IdMapLine[]): number {
  return lines.reduce((max, l) => Math.max(max, l.inner + l.count), 0);
}

/** Translates a container id to the host id under a mapping, or undefined when it is unmapped. */
export function toHostId(lines: readonly IdMapLine[], inner: number): number | undefined {
  for (const l of lines) if (inner >= l.inner && inner < l.inner + l.count) return l.outer + (inner - l.inner);
  return undefined;
}

let cachedPlan: IdMapPlan | undefined;

/** The calling user's plan from /etc/subuid and /etc/subgid (read once per process). */
export function currentUserIdMap(): IdMapPlan {
  if (cachedPlan) return cachedPlan;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  let name = String(uid);
  try { name = userInfo().username; } catch { /* no passwd entry: match by uid only */ }
  const read = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
  cachedPlan = planIdMap(uid, gid, rangesFor(parseSubIdFile(read('/etc/subuid')), name, uid),
    rangesFor(parseSubIdFile(read('/etc/subgid')), name, uid));
  return cachedPlan;
}

export function subIdHint(): string {
  let name = 'USER';
  try { name = userInfo().username; } catch { /* keep placeholder */ }
  return `add a range for the user: \`sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${name}\``;
}

function formatArgs(lines: readonly IdMapLine[]): string[] {
  return lines.flatMap((l) => [String(l.inner), String(l.outer), String(l.count)]);
}

/** Writes the plan to the user namespace of `pid`. newuidmap/newgidmap for ranges; a direct write otherwise. */
export async function writeIdMaps(pid: number, plan: IdMapPlan): Promise<void> {
  if (plan.single) {
    // An unprivileged writer may map only its own ids, and only after setgroups is denied
    // (user_namespaces(7); CVE-2014-8989).
    const write = (file: string, text: string) => {
      try { writeFileSync(`/proc/${pid}/${file}`, text); } catch (err) {
        throw new MyctrError('MYCTR_IDMAP', `write \`/proc/${pid}/${file}\`: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
      }
    };
    write('setgroups', 'deny');
    write('uid_map', plan.uidMap.map((l) => `${l.inner} ${l.outer} ${l.count}\n`).join(''));
    write('gid_map', plan.gidMap.map((l) => `${l.inner} ${l.outer} ${l.count}\n`).join(''));
    return;
  }
  await Promise.all([
    runMapTool('newuidmap', pid, plan.uidMap),
    runMapTool('newgidmap', pid, plan.gidMap),
  ]);
}

async function runMapTool(tool: 'newuidmap' | 'newgidmap', pid: number, lines: readonly IdMapLine[]): Promise<void> {
  try {
    await promisify(childProcess().execFile)(tool, [String(pid), ...formatArgs(lines)]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new MyctrError('MYCTR_IDMAP', `\`${tool}\` not found`, { cause: err, hint: 'install the `uidmap` package (Debian/Ubuntu) or `shadow` (Arch)' });
    }
    const detail = (e.stderr ?? '').trim().split('\n').pop() || e.message;
    throw new MyctrError('MYCTR_IDMAP', `${tool} ${pid}: ${detail}`, {
      cause: err,
      hint: 'check /etc/subuid and /etc/subgid and that newuidmap/newgidmap are setuid root or have file capabilities',
    });
  }
}
