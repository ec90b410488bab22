// A small subset of Go's text/template for --format on ps, inspect and images: `{{.Field.Sub}}`,
// `{{json .}}` / `{{json .Field}}`, `{{upper .X}}`, `{{lower .X}}`, `{{"literal"}}`, and a leading `table`
// (ps/images: print a header row from the field names). Anything else is a usage error, never silently empty.
import { UsageError } from '../errors.js';

type Value = unknown;

function lookup(root: Value, path: string, tpl: string): Value {
  if (path === '.') return root;
  let v: Value = root;
  for (const key of path.slice(1).split('.')) {
    if (v === null || typeof v !== 'object' || !(key in (v as object))) {
      throw new UsageError(`template \`${tpl}\`: no field \`${key}\``, 'field names are case-sensitive, e.g. {{.ID}} or {{.State.Pid}}');
    }
    v = (v as Record<string, Value>)[key];
  }
  return v;
}

function show(v: Value): string {
  if (v === undefined || v === null) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.entries(v).map(([k, x]) => `${k}:${show(x)}`).join(' ')}]`;
  return String(v);
}

function evalAction(expr: string, data: Value, tpl: string): string {
  const lit = /^"((?:[^"\\]|\\.)*)"$/.exec(expr);
  // \t and \n were turned into the characters already (for the whole template); the rest are Go's escapes.
  if (lit) return lit[1]!.replace(/\\(["\\])/g, '$1');
  const m = /^(?:(json|upper|lower)\s+)?(\.[A-Za-z0-9_.]*)$/.exec(expr);
  if (!m) throw new UsageError(`template \`${tpl}\`: unsupported action \`{{${expr}}}\``, 'supported: {{.Field}}, {{json .Field}}, {{upper .Field}}, {{lower .Field}}, {{"text"}}');
  const v = lookup(data, m[2]!, tpl);
  if (m[1] === 'json') return JSON.stringify(v ?? null);
  if (m[1] === 'upper') return show(v).toUpperCase();
  if (m[1] === 'lower') return show(v).toLowerCase();
  return show(v);
}

/** A compiled template: render(data) → text. `table` is reported so callers can add a header. */
export function compileTemplate(tpl: string): { table: boolean; render(data: Value): string; header(): string } {
  const table = /^table\s/.test(tpl);
  const body = (table ? tpl.replace(/^table\s+/, '') : tpl).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const parts = body.split(/(\{\{-?\s*.*?\s*-?\}\})/s);
  const render = (data: Value) => parts.map((p) => {
    const a = /^\{\{-?\s*(.*?)\s*-?\}\}$/s.exec(p);
    return a ? evalAction(a[1]!, data, tpl) : p;
  }).join('');
  const header = () => parts.map((p) => {
    const a = /^\{\{-?\s*(?:json\s+|upper\s+|lower\s+)?\.([A-Za-z0-9_.]*)\s*-?\}\}$/s.exec(p);
    if (a) return a[1]!.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    return /^\{\{/.test(p) ? '' : p;
  }).join('');
  // Validate the actions now, so a typo fails even when there is nothing to list.
  for (const p of parts) {
    const a = /^\{\{-?\s*(.*?)\s*-?\}\}$/s.exec(p);
    if (a && !/^"(?:[^"\\]|\\.)*"$|^(?:(?:json|upper|lower)\s+)?\.[A-Za-z0-9_.]*$/.test(a[1]!)) evalAction(a[1]!, {}, tpl);
  }
  return { table, render, header };
}
