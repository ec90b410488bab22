// Parsing of /etc/subuid, /etc/subgid and /etc/passwd for test helpers (rmInUserns, probes, test users).
// Pure functions plus thin readers; deliberately independent of client/runtime/start/idmap.ts so the tests
// never check the engine's parser with itself.
import { readFileSync } from 'node:fs';

/** One `name:start:count` line of subuid(5)/subgid(5). `owner` is a user name or a decimal uid. */
export interface SubidRange {
  readonly owner: string;
  readonly start: number;
  readonly count: number;
}

/** A user as the tests need it (from passwd(5)). */
export interface PasswdUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

const DECIMAL = /^[0-9]+$/;

/** Parses subuid(5)/subgid(5) text. Blank lines, `#` comments, malformed lines and zero-length ranges are
 *  ignored: a helper can only use a range it can hand to newuidmap. */
export function parseSubidFile(text: string): SubidRange[] {
  const ranges: SubidRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length !== 3) continue;
    const [owner, start, count] = fields as [string, string, string];
    if (owner === '' || !DECIMAL.test(start) || !DECIMAL.test(count)) continue;
    const range = { owner, start: Number(start), count: Number(count) };
    if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.count) || range.count === 0) continue;
    ranges.push(range);
  }
  return ranges;
}

/** Ranges that belong to the user, matched by name or by decimal uid (newuidmap accepts both). */
export function rangesFor(ranges: readonly SubidRange[], user: { name: string; uid: number }): SubidRange[] {
  return ranges.filter((r) => r.owner === user.name || (DECIMAL.test(r.owner) && Number(r.owner) === user.uid));
}

/** Parses passwd(5) text into users; malformed lines are skipped. */
export function parsePasswd(text: string): PasswdUser[] {
  const users: PasswdUser[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    const [name, , uid, gid, , home] = f as [string, string, string, string, string, string];
    if (!DECIMAL.test(uid) || !DECIMAL.test(gid)) continue;
    users.push({ name, uid: Number(uid), gid: Number(gid), home });
  }
  return users;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** The user's ranges in `/etc/subuid` (or `/etc/subgid`); none if the file is missing. */
export function readRanges(kind: 'uid' | 'gid', user: { name: string; uid: number }): SubidRange[] {
  return rangesFor(parseSubidFile(readOrEmpty(`/etc/sub${kind}`)), user);
}

/** Looks a user up in `/etc/passwd` (the test users are local, so NSS is not consulted). */
export function lookupUser(name: string): PasswdUser | undefined {
  return parsePasswd(readOrEmpty('/etc/passwd')).find((u) => u.name === name);
}
