// How to start one of myctr's own Node entry points in a child process: a .ts source (development and tests
// under tsx) needs the tsx loader; compiled JS runs through its launcher `<entry>.cjs` where the build made one
// (the code-cached CommonJS bundle, scripts/bundle.ts), else as is.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** argv that runs the module `rel` (e.g. './init/main.js') resolved against `base` (an import.meta.url). */
export function nodeEntryArgv(base: string, rel: string): string[] {
  const isTs = base.endsWith('.ts');
  const path = fileURLToPath(new URL(isTs ? rel.replace(/\.js$/, '.ts') : rel, base));
  if (isTs) return [process.execPath, '--import', 'tsx', path];
  const launcher = path.replace(/\.js$/, '.cjs');
  return [process.execPath, launcher !== path && existsSync(launcher) ? launcher : path];
}
