// .containerignore / .dockerignore with Docker's semantics, through @balena/dockerignore (a port of Docker's
// fileutils.PatternMatcher: Go filepath.Match, `**`, `!` exceptions where the last match wins, a pattern
// also excluding everything below a matched directory). Which file applies follows BuildKit's order.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as ignoreModule from '@balena/dockerignore';
import type { Ignore } from '@balena/dockerignore';

export interface IgnoreMatcher {
  /** True when the context-relative path (`a/b`) is excluded from the context. */
  ignores(rel: string): boolean;
  /** True when some pattern is an exception: an excluded directory may still hold included files. */
  readonly hasExceptions: boolean;
  readonly source: string | undefined;
}

// The package is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const createIgnore = (ignoreModule as unknown as { default: (o?: object) => Ignore }).default;

export function parseIgnore(text: string, source?: string): IgnoreMatcher {
  const patterns = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const ig = createIgnore().add(patterns);
  return {
    ignores: (rel) => rel !== '.' && rel !== '' && ig.ignores(rel),
    hasExceptions: patterns.some((p) => p.startsWith('!')),
    source,
  };
}

/**
 * The ignore file for a build: `<Containerfile>.containerignore` / `.dockerignore` beside the Containerfile
 * (BuildKit), else `.containerignore`, else `.dockerignore` in the context root. None → nothing ignored.
 */
export function loadIgnore(contextDir: string | undefined, containerfile: string | undefined): IgnoreMatcher {
  const candidates: string[] = [];
  if (containerfile) {
    const b = basename(containerfile);
    candidates.push(join(dirname(containerfile), `${b}.containerignore`), join(dirname(containerfile), `${b}.dockerignore`));
  }
  if (contextDir) candidates.push(join(contextDir, '.containerignore'), join(contextDir, '.dockerignore'));
  for (const c of candidates) {
    if (existsSync(c)) return parseIgnore(readFileSync(c, 'utf8'), c);
  }
  return parseIgnore('');
}
