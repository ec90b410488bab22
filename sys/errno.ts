// errno numbers <-> names ('EPERM') and their strerror text. Built once at module load from koffi's table
// (koffi.os.errno, read through libc.ts) so it is available after pivot_root.
import { errnoTable, strerror } from './libc.js';

/**
 * Where two names share a number, the name Linux's own headers and strerror use first. Without this the
 * choice would depend on the key order of koffi's table.
 */
const PREFERRED = ['EAGAIN', 'EDEADLK', 'EOPNOTSUPP'] as const;

const NUMBER_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(errnoTable));
const NAME_BY_NUMBER: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  for (const name of PREFERRED) {
    const n = NUMBER_BY_NAME.get(name);
    if (n !== undefined) m.set(n, name);
  }
  for (const [name, n] of NUMBER_BY_NAME) if (!m.has(n)) m.set(n, name);
  return m;
})();

/** The symbolic name of errno `n` ('EPERM' for 1); `E<n>` for a number the table does not know. */
export function errnoName(n: number): string {
  return NAME_BY_NUMBER.get(n) ?? `E${n}`;
}

/**
 * The number of errno `name` (case-sensitive, 'ENOENT' → 2). Throws a RangeError for an unknown name, so a
 * typo in a comparison fails loudly instead of matching nothing.
 */
export function errnoNumber(name: string): number {
  const n = NUMBER_BY_NAME.get(name);
  if (n === undefined) throw new RangeError(`unknown errno name \`${name}\``);
  return n;
}

/**
 * strerror(3) text for `n` with its first letter lowercased to fit myctr's message style ("operation not
 * permitted"). Acronyms that start the text ("RFS specific error") keep their case.
 */
export function errnoText(n: number): string {
  const text = strerror(n);
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
