// How to start one of myctr's own Node entry points in a child process: compiled JS runs as is, a .ts source
// (development and tests under tsx) needs the tsx loader.
import { fileURLToPath } from 'node:url';

/** argv that runs the module `rel` (e.g. './init/main.js') resolved against `base` (an import.meta.url). */
export function nodeEntryArgv(base: string, rel: string): string[] {
  const isTs = base.endsWith('.ts');
  const url = new URL(isTs ? rel.replace(/\.js$/, '.ts') : rel, base);
  const path = fileURLToPath(url);
  return isTs ? [process.execPath, '--import', 'tsx', path] : [process.execPath, path];
}
