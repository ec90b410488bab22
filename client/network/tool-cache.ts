// What `slirp4netns --help/--version` and `pasta --help/--version` said, cached in one JSON file in the run
// root (per user, mode 0700) and keyed by the binary's identity (device, inode, size, mtime): each probe
// spawns the tool, 10–150 ms apiece, and `run -d` probed four times on its critical path (the CLI asks
// pasta for the default mode, the supervisor asks slirp4netns before attaching). Any problem with the file
// (missing, corrupt, unwritable) only means probing again.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** `dev:ino:size:mtime` of the file, undefined when it cannot be stat'ed. */
export function binaryKey(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

type Entries = Record<string, { key: string; value: unknown }>;

function readEntries(file: string): Entries {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Entries : {};
  } catch {
    return {};
  }
}

/** The cached value for `name` when `binary` is unchanged and `valid` accepts it; else `compute()`, stored. */
export function cachedProbe<T>(file: string, name: string, binary: string, valid: (v: unknown) => v is T, compute: () => T): T {
  const key = binaryKey(binary);
  if (key === undefined) return compute();
  const entries = readEntries(file);
  const hit = entries[name];
  if (hit && hit.key === key && valid(hit.value)) return hit.value;
  const value = compute();
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...entries, [name]: { key, value } }), { mode: 0o600 });
    renameSync(tmp, file); // atomic: a concurrent reader sees the old or the new file
  } catch { /* read-only or full: probe again next time */ }
  return value;
}
