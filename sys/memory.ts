// Giving resident memory back while idle (the supervisor, docs/LIFECYCLE.md "Memory"). Node's start-up faults in
// ~35 MB of its own binary (code and read-only data run once: the snapshot, the module loader, option parsing);
// those pages stay mapped, and counted in RSS, although an idle process never touches them again.
import { readFileSync } from 'node:fs';
import * as libc from './libc.js';

const MADV_DONTNEED = 4;

/**
 * Unmaps the resident pages of every private, read-only, file-backed mapping that holds no private copy of a page
 * (smaps `Anonymous: 0`). Such a page is identical to the file's, so the next access faults it back in from the
 * page cache: this changes what is resident, never what is read. Writable mappings and ones with copied pages
 * (RELRO after relocation) are left alone. Returns the kB that were resident in the mappings it dropped.
 */
export function dropCleanFileMappings(): number {
  let kb = 0;
  let cur: { start: bigint; len: number; eligible: boolean; rss: number; anon: number } | undefined;
  const flush = () => {
    if (cur?.eligible && cur.anon === 0 && cur.rss > 0 && libc.madvise(cur.start, cur.len, MADV_DONTNEED) === 0) kb += cur.rss;
  };
  for (const line of readFileSync('/proc/self/smaps', 'latin1').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+)/.exec(line);
    if (m) {
      flush();
      const start = BigInt(`0x${m[1]}`);
      const perms = m[3]!;
      cur = { start, len: Number(BigInt(`0x${m[2]}`) - start), rss: -1, anon: -1,
        eligible: perms[1] === '-' && perms[3] === 'p' && m[4] !== '0' };
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('Rss:')) cur.rss = Number(/\d+/.exec(line)?.[0] ?? -1);
    else if (line.startsWith('Anonymous:')) cur.anon = Number(/\d+/.exec(line)?.[0] ?? -1);
  }
  flush();
  return kb;
}

/** malloc_trim(0): glibc gives the free parts of its heaps back to the kernel. */
export function trimMalloc(): void {
  libc.mallocTrim(0);
}
