// Dockerfile word processing (BuildKit's shell lexer, the subset Dockerfiles use): quotes, the escape
// character, `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`, `${VAR+x}`, `${VAR:?msg}`. Pure.
// RUN, CMD and ENTRYPOINT never go through here: their shell does its own expansion at run time.

export type Lookup = (name: string) => string | undefined;

export class SubstitutionError extends Error {}

interface Options {
  escape: '\\' | '`';
  /** Split on unquoted whitespace (ENV/LABEL pairs, VOLUME/EXPOSE lists); else one word. */
  split: boolean;
  /** Expand variables (false inside a quoted heredoc, or for raw key=value splitting). */
  expand: boolean;
  /** Keep quotes and escapes in the output (splitting only, values expanded later). */
  keepQuotes: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Expands and unquotes `text` as one word. */
export function processWord(text: string, env: Lookup, escape: '\\' | '`' = '\\'): string {
  return lex(text, env, { escape, split: false, expand: true, keepQuotes: false }).join('');
}

/** Expands and unquotes `text`, split into words on unquoted whitespace. */
export function processWords(text: string, env: Lookup, escape: '\\' | '`' = '\\'): string[] {
  return lex(text, env, { escape, split: true, expand: true, keepQuotes: false });
}

/** Splits on unquoted whitespace keeping quotes and escapes (each word is expanded later). */
export function splitRaw(text: string, escape: '\\' | '`' = '\\'): string[] {
  return lex(text, () => undefined, { escape, split: true, expand: false, keepQuotes: true });
}

function lex(text: string, env: Lookup, o: Options): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const push = () => { if (inWord) words.push(cur); cur = ''; inWord = false; };
  while (i < text.length) {
    const c = text[i]!;
    if (o.split && /\s/.test(c)) { push(); i++; continue; }
    inWord = true;
    if (c === o.escape) {
      if (i + 1 >= text.length) { cur += c; i++; continue; }
      cur += o.keepQuotes ? c + text[i + 1]! : text[i + 1]!;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SubstitutionError('unexpected end of statement while looking for matching single-quote');
      cur += o.keepQuotes ? text.slice(i, end + 1) : text.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      if (o.keepQuotes) cur += '"';
      for (;;) {
        if (i >= text.length) throw new SubstitutionError('unexpected end of statement while looking for matching double-quote');
        const d = text[i]!;
        if (d === '"') { i++; if (o.keepQuotes) cur += '"'; break; }
        if (d === o.escape && i + 1 < text.length && ['"', o.escape, '$'].includes(text[i + 1]!)) {
          cur += o.keepQuotes ? d + text[i + 1]! : text[i + 1]!;
          i += 2;
          continue;
        }
        if (d === '$' && o.expand) {
          const r = variable(text, i, env, o);
          cur += r.value;
          i = r.next;
          continue;
        }
        cur += d;
        i++;
      }
      continue;
    }
    if (c === '$' && o.expand) {
      const r = variable(text, i, env, o);
      cur += r.value;
      i = r.next;
      continue;
    }
    cur += c;
    i++;
  }
  push();
  return words;
}

/** `text[i]` is `$`: returns the expansion and the index after it. */
function variable(text: string, i: number, env: Lookup, o: Options): { value: string; next: number } {
  const n = text[i + 1];
  if (n === undefined) return { value: '$', next: i + 1 };
  if (n !== '{') {
    if (!NAME_START.test(n)) return { value: '$', next: i + 1 };
    let j = i + 1;
    while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
    return { value: env(text.slice(i + 1, j)) ?? '', next: j };
  }
  let j = i + 2;
  while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
  const name = text.slice(i + 2, j);
  if (!name) throw new SubstitutionError(`bad substitution \`${text.slice(i, j + 1)}\``);
  if (text[j] === '}') return { value: env(name) ?? '', next: j + 1 };
  let op = text[j]!;
  j++;
  if (op === ':') {
    op = `:${text[j] ?? ''}`;
    j++;
  }
  if (![':-', ':+', ':?', '-', '+', '?'].includes(op)) throw new SubstitutionError(`unsupported modifier \`${op}\` in substitution`);
  // The word runs to the matching `}` (nested `${…}` allowed) and is itself processed.
  let depth = 1;
  let k = j;
  for (; k < text.length; k++) {
    if (text[k] === o.escape) { k++; continue; }
    if (text[k] === '{' && text[k - 1] === '$') depth++;
    if (text[k] === '}' && --depth === 0) break;
  }
  if (k >= text.length) throw new SubstitutionError(`missing \`}\` in \`${text.slice(i)}\``);
  const wordText = text.slice(j, k);
  const word = () => lex(wordText, env, { ...o, split: false, keepQuotes: false }).join('');
  const value = env(name);
  const unsetOrEmpty = op.startsWith(':') ? !value : value === undefined;
  let out: string;
  switch (op.replace(':', '')) {
    case '-': out = unsetOrEmpty ? word() : value!; break;
    case '+': out = unsetOrEmpty ? '' : word(); break;
    default:
      if (unsetOrEmpty) throw new SubstitutionError(`${name}: ${word() || 'parameter null or not set'}`);
      out = value!;
  }
  return { value: out, next: k + 1 };
}

/** `KEY=value` words (ENV, LABEL, ARG): splits at the first `=` of the raw word; the key is unquoted. */
export function splitAssignments(text: string, escape: '\\' | '`'): { key: string; rawValue: string | undefined }[] {
  return splitRaw(text, escape).map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return { key: unquote(w, escape), rawValue: undefined };
    return { key: unquote(w.slice(0, eq), escape), rawValue: w.slice(eq + 1) };
  });
}

function unquote(w: string, escape: '\\' | '`'): string {
  return lex(w, () => undefined, { escape, split: false, expand: false, keepQuotes: false }).join('');
}
