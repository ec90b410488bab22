// COPY/ADD source patterns under a root (the build context, or another stage's filesystem): Go
// filepath.Match wildcards per path component (`*`, `?`, `[a-z]`, `\` escapes), symlinks in the path
// resolved inside the root (never out of it), results sorted. Used on the host and in the layer worker.
import { lstatSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { secureJoin } from '../runtime/setup/secure-join.js';

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern.replace(/\\./g, ''));
}

/** One path component pattern → a RegExp (Go's filepath.Match: `*` never matches `/`). */
export function componentRegExp(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) { re += escapeRe(p[++i]!); continue; }
    if (c === '*') { re += '[^/]*'; continue; }
    if (c === '?') { re += '[^/]'; continue; }
    if (c === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern \`${p}\``);
      let body = p.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
      continue;
    }
    re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Container-style relative paths (`a/b.txt`) under `root` matching `pattern`; a pattern without
 * wildcards yields itself when it exists. Clamped at the root: `../x` means `x`.
 */
export function expandPattern(root: string, pattern: string): string[] {
  const clean = posix.normalize(`/${pattern}`).slice(1).replace(/\/$/, '');
  if (clean === '' || clean === '.') return ['.'];
  if (!hasWildcard(clean)) {
    try { lstatSync(secureJoin(root, clean)); return [clean]; } catch { return []; }
  }
  let current = [''];
  for (const part of clean.split('/')) {
    const next: string[] = [];
    for (const base of current) {
      if (!hasWildcard(part)) {
        const cand = base ? `${base}/${part}` : part;
        try { lstatSync(secureJoin(root, cand)); next.push(cand); } catch { /* no match */ }
        continue;
      }
      const re = componentRegExp(part);
      let names: string[];
      try { names = readdirSync(secureJoin(root, base || '.')); } catch { continue; }
      for (const n of names.sort()) if (re.test(n)) next.push(base ? `${base}/${n}` : n);
    }
    current = next;
  }
  return current.sort();
}
