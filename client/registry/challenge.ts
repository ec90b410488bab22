// Parsing `WWW-Authenticate` (RFC 7235) as registries send it: `Bearer realm="…",service="…",scope="…"` or
// `Basic realm="…"`. Pure.

export interface Challenge { scheme: 'bearer' | 'basic'; params: Record<string, string> }

/** The first Bearer or Basic challenge in the header, or undefined. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(Bearer|Basic)\b\s*(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const p of m[2]!.matchAll(re)) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase() as Challenge['scheme'], params };
}
