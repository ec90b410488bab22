// The unpack worker's one-line JSON reply on stdout (crosses a process boundary, hence `type`), and its decoder.

export type UnpackResult =
  | {
    type: 'unpack-done';
    /** Entries written (files, dirs, links). */
    entries: number;
    /** Entries not extracted, by tar type (CharacterDevice, BlockDevice, FIFO, …). */
    skipped: Record<string, number>;
    chownFailed: number;
    chownExample?: string;
    /** Whiteouts and opaque markers written. */
    whiteouts?: number;
  }
  | { type: 'unpack-error'; message: string; /** the archive tried to escape the layer dir */ unsafe: boolean };

/** Parses the worker's last stdout line; undefined when it is not a reply (the worker died before answering). */
export function decodeUnpackResult(text: string): UnpackResult | undefined {
  const line = text.trim().split('\n').pop() ?? '';
  let v: unknown;
  try { v = JSON.parse(line); } catch { return undefined; }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.type === 'unpack-error' && typeof o.message === 'string') {
    return { type: 'unpack-error', message: o.message, unsafe: o.unsafe === true };
  }
  if (o.type === 'unpack-done' && typeof o.entries === 'number' && typeof o.chownFailed === 'number'
    && typeof o.skipped === 'object' && o.skipped !== null) {
    const skipped: Record<string, number> = {};
    for (const [k, n] of Object.entries(o.skipped)) if (typeof n === 'number') skipped[k] = n;
    return {
      type: 'unpack-done', entries: o.entries, skipped, chownFailed: o.chownFailed,
      ...(typeof o.chownExample === 'string' ? { chownExample: o.chownExample } : {}),
      ...(typeof o.whiteouts === 'number' ? { whiteouts: o.whiteouts } : {}),
    };
  }
  return undefined;
}

/** The single warning an import reports for what could not be reproduced exactly, or undefined. */
export function unpackWarning(r: Extract<UnpackResult, { type: 'unpack-done' }>): string | undefined {
  const parts: string[] = [];
  const special = Object.entries(r.skipped).map(([t, n]) => `${n} ${SPECIAL_NAME[t] ?? `${t} entr`}${n === 1 ? (SPECIAL_NAME[t] ? '' : 'y') : (SPECIAL_NAME[t] ? 's' : 'ies')}`);
  if (special.length) parts.push(`skipped ${special.join(', ')} (the runtime provides /dev)`);
  if (r.chownFailed) {
    const n = r.chownFailed === 1 ? '1 file' : `${r.chownFailed} files`;
    parts.push(`${n} kept owned by root: the owner is outside the user namespace's id range (e.g. ${r.chownExample ?? '?'})`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

const SPECIAL_NAME: Record<string, string> = {
  CharacterDevice: 'character device', BlockDevice: 'block device', FIFO: 'FIFO',
};
