// Containerfile text → raw instructions: parser directives (`# syntax=`, `# escape=`), comments, line
// continuations, heredocs (`<<EOF`, `<<-EOF`, quoted terminators) and leading `--flags`. Pure; knows no
// instruction's meaning (instructions.ts does). Follows BuildKit's frontend/dockerfile/parser rules.
import { DockerfileSyntaxError, type SourcePos } from './errors.js';

export interface Heredoc {
  /** The terminator word (`EOF`). */
  name: string;
  /** Body lines joined with `\n`, with a trailing `\n` (as a shell here-document). */
  content: string;
  /** False when the terminator was quoted: no variable expansion. */
  expand: boolean;
}

export interface RawInstruction {
  /** Upper-cased keyword (`RUN`). */
  keyword: string;
  /** Leading `--name[=value]` options, raw (`--from=build`). */
  flags: string[];
  /** Everything after the flags, continuations joined. */
  rest: string;
  heredocs: Heredoc[];
  pos: SourcePos;
  /** The instruction as written (first line + continuations), for messages and history. */
  original: string;
}

export interface ParsedFile {
  directives: Record<string, string>;
  escape: '\\' | '`';
  instructions: RawInstruction[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` (BuildKit's heredoc regexp). */
const HEREDOC = /<<(-?)\s*(?:(["'])([^"'\s]+)\2|([A-Za-z_][A-Za-z0-9_]*))/g;

export function parseDockerfile(text: string, file = 'Containerfile'): ParsedFile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const directives: Record<string, string> = {};
  let i = 0;
  // Directives: only at the very top; a blank line, a comment or an instruction ends them.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key !== 'syntax' && key !== 'escape' && key !== 'check') break;
    if (key in directives) throw new DockerfileSyntaxError({ file, line: i + 1 }, `only one ${key} parser directive can be used`, lines[i]!);
    directives[key] = m[2]!;
  }
  const escapeDirective = directives.escape;
  if (escapeDirective !== undefined && escapeDirective !== '\\' && escapeDirective !== '`') {
    throw new DockerfileSyntaxError({ file, line: 1 }, 'invalid escape token (must be ` or \\)', escapeDirective);
  }
  const escape = (escapeDirective ?? '\\') as '\\' | '`';
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const instructions: RawInstruction[] = [];
  for (; i < lines.length; i++) {
    const first = lines[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const start = i;
    let joined = '';
    let original = first;
    let line = first;
    // Continuations: comment lines and empty lines inside are dropped (BuildKit does the same).
    while (continuation.test(line)) {
      joined += line.replace(continuation, '');
      i++;
      while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trim().startsWith('#'))) i++;
      if (i >= lines.length) { line = ''; break; }
      line = lines[i]!;
      original += `\n${line}`;
    }
    joined += line;
    const pos = { file, line: start + 1 };
    const m = /^\s*(\S+)(?:\s+([\s\S]*))?$/.exec(joined);
    const keyword = m![1]!.toUpperCase();
    let rest = (m![2] ?? '').trim();
    const flags: string[] = [];
    for (;;) {
      const f = /^--([a-zA-Z][a-zA-Z0-9-]*)(=(?:"[^"]*"|'[^']*'|\S)*)?(?:\s+|$)/.exec(rest);
      if (!f || rest.startsWith('--') === false) break;
      flags.push(f[0].trim());
      rest = rest.slice(f[0].length);
    }
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword) && !rest.startsWith('[')) {
      for (const h of rest.matchAll(HEREDOC)) {
        const strip = h[1] === '-';
        const name = h[3] ?? h[4]!;
        const body: string[] = [];
        for (;;) {
          i++;
          if (i >= lines.length) throw new DockerfileSyntaxError(pos, `unterminated heredoc \`${name}\``, first);
          const l = strip ? lines[i]!.replace(/^\t+/, '') : lines[i]!;
          original += `\n${lines[i]!}`;
          if (l === name) break;
          body.push(l);
        }
        heredocs.push({ name, content: body.length ? `${body.join('\n')}\n` : '', expand: h[2] === undefined });
      }
    }
    instructions.push({ keyword, flags, rest, heredocs, pos, original });
  }
  return { directives, escape, instructions };
}

/** Splits `--name=value` flags into a map; a flag given twice collects values (`--mount` may repeat). */
export function flagMap(raw: RawInstruction, allowed: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of raw.flags) {
    const eq = f.indexOf('=');
    const name = (eq < 0 ? f.slice(2) : f.slice(2, eq)).toLowerCase();
    if (!allowed.includes(name)) {
      throw new DockerfileSyntaxError(raw.pos, `unknown flag --${name} for ${raw.keyword}`, raw.original,
        allowed.length ? `${raw.keyword} accepts ${allowed.map((a) => `--${a}`).join(', ')}` : `${raw.keyword} takes no flags`);
    }
    let value = eq < 0 ? '' : f.slice(eq + 1);
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}
