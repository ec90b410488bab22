// Keeping the idle supervisor small (docs/LIFECYCLE.md, "Memory"): a moment after the last request or container
// exit, collect garbage, give glibc's free heap back and drop the clean file pages of start-up code from the
// resident set (sys/memory.ts). MYCTR_SUPERVISOR_NO_TRIM=1 turns it off, for comparisons.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dropCleanFileMappings, trimMalloc } from '../../../../sys/memory.js';

const IDLE_TRIM_MS = 500;
const enabled = process.env.MYCTR_SUPERVISOR_NO_TRIM !== '1';
let gc: (() => void) | undefined;
let timer: NodeJS.Timeout | undefined;

function trim(): void {
  if (!gc) {
    // A full collection without --expose-gc on the command line: the flag exposes `gc` in new contexts.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  trimMalloc();
  dropCleanFileMappings();
}

/** (Re)starts the idle countdown; activity before it ends postpones the trim. */
export function trimWhenIdle(): void {
  if (!enabled) return;
  clearTimeout(timer);
  timer = setTimeout(trim, IDLE_TRIM_MS);
  timer.unref();
}
