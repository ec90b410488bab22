// The CLI ↔ supervisor protocol: one JSON request line per connection, one JSON reply line. Pure types and
// a guard; the peer's identity comes from SO_PEERCRED, never from these messages.
import type { WireError } from '../../../../protocol/init-sync.js';

/** CLI → supervisor. Every request names a container by full id; the CLI resolved names already. */
export type SupervisorRequest =
  /** Launch the created container; reply once the workload exec'd: {pid}. */
  | { type: 'start'; id: string }
  /** Stop signal, then SIGKILL after `timeout` s; reply after the exit: {exitCode}. */
  | { type: 'stop'; id: string; timeout: number; signal: string }
  /** Send a signal to PID 1; reply at once. */
  | { type: 'kill'; id: string; signal: string }
  /** Reply when the container exits: {exitCode}; at once if it is not running. */
  | { type: 'wait'; id: string }
  /** rm -f: SIGKILL, no restart, no auto-remove of its own; reply after the exit. */
  | { type: 'remove'; id: string }
  /** Liveness; reply {pid, containers}. */
  | { type: 'ping' };

export type SupervisorReply =
  | { ok: true; pid?: number; exitCode?: number; containers?: number }
  | { ok: false; error: WireError & { exitCode?: number } };

const TYPES = new Set(['start', 'stop', 'kill', 'wait', 'remove', 'ping']);

/** unknown → a request, or an error message; rejects unknown types, bad ids and wrong field types. */
export function decodeRequest(v: unknown): SupervisorRequest | string {
  if (typeof v !== 'object' || v === null) return 'request is not an object';
  const r = v as Record<string, unknown>;
  if (typeof r.type !== 'string' || !TYPES.has(r.type)) return `unknown request type \`${String(r.type)}\``;
  if (r.type === 'ping') return { type: 'ping' };
  if (typeof r.id !== 'string' || !/^[0-9a-f]{64}$/.test(r.id)) return 'request needs a full container id';
  switch (r.type) {
    case 'stop':
      if (typeof r.timeout !== 'number' || r.timeout < 0 || typeof r.signal !== 'string') return 'stop needs timeout and signal';
      return { type: 'stop', id: r.id, timeout: r.timeout, signal: r.signal };
    case 'kill':
      if (typeof r.signal !== 'string') return 'kill needs a signal';
      return { type: 'kill', id: r.id, signal: r.signal };
    default:
      return { type: r.type as 'start' | 'wait' | 'remove', id: r.id };
  }
}
