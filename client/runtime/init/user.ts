// `-u user[:group]` → uid, gid, supplementary groups and home, resolved in the container's own
// /etc/passwd and /etc/group with Docker's rules. Pure: the init passes the files' text.
import { MyctrError } from '../errors.js';

export interface PasswdEntry { name: string; uid: number; gid: number; home: string; shell: string }
export interface GroupEntry { name: string; gid: number; members: string[] }
export interface ResolvedUser { uid: number; gid: number; groups: number[]; home: string }

const ID = /^\d{1,10}$/;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !f[0] || !ID.test(f[2]!) || !ID.test(f[3]!)) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/', shell: f[6] ?? '' });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !f[0] || !ID.test(f[2]!)) continue;
    out.push({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

function userError(message: string): MyctrError {
  return new MyctrError('MYCTR_NOT_FOUND', message, {
    hint: 'use a user that exists in the image\'s /etc/passwd, or a numeric uid[:gid]',
  });
}

/** Docker's semantics: '' is root; a numeric uid need not exist (gid 0, home /); names must exist. */
export function resolveUser(spec: string, passwd: readonly PasswdEntry[], groups: readonly GroupEntry[],
  groupAdd: readonly string[] = []): ResolvedUser {
  const parts = spec.split(':');
  if (parts.length > 2) throw userError(`invalid user \`${spec}\``);
  const [userPart = '', groupPart] = parts as [string?, string?];
  let uid: number;
  let gid: number;
  let home = '/';
  let name: string | undefined;
  const byName = userPart && !ID.test(userPart) ? passwd.find((p) => p.name === userPart) : undefined;
  if (userPart === '') {
    const root = passwd.find((p) => p.uid === 0);
    uid = 0; gid = root?.gid ?? 0; home = root?.home ?? '/root'; name = root?.name;
  } else if (ID.test(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((p) => p.uid === uid);
    gid = entry?.gid ?? 0; home = entry?.home ?? '/'; name = entry?.name;
  } else if (byName) {
    uid = byName.uid; gid = byName.gid; home = byName.home; name = byName.name;
  } else {
    throw userError(`unable to find user \`${userPart}\`: no matching entries in passwd file`);
  }
  if (groupPart !== undefined && groupPart !== '') gid = lookupGroup(groupPart, groups);
  // Supplementary groups: memberships in /etc/group, only when no explicit group was given (as runc).
  const supplementary = groupPart === undefined && name !== undefined
    ? groups.filter((g) => g.members.includes(name!)).map((g) => g.gid)
    : [];
  const extra = groupAdd.map((g) => lookupGroup(g, groups));
  const all = [gid, ...supplementary, ...extra].filter((g, i, a) => a.indexOf(g) === i);
  return { uid, gid, groups: all, home };
}

function lookupGroup(group: string, groups: readonly GroupEntry[]): number {
  if (ID.test(group)) return Number(group);
  const g = groups.find((e) => e.name === group);
  if (!g) throw userError(`unable to find group \`${group}\`: no matching entries in group file`);
  return g.gid;
}
