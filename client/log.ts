// The root pino logger. Quiet by default (warn); `--log-level` or MYCTR_LOG_LEVEL raise it. Lines go to
// stderr as `myctr: warning: …` for people, or as pino's JSON with MYCTR_LOG_FORMAT=json. No transports:
// they start worker threads.
import { destination, pino, type Logger } from 'pino';

export type { Logger };

const LEVEL_LABEL: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/** A pino destination that renders each JSON line as one human line (plus its extra fields at debug). */
export function humanDestination(write: (s: string) => void): { write(line: string): void } {
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try { rec = JSON.parse(line) as Record<string, unknown>; } catch { write(line); return; }
      const { level, msg, time: _time, err, ...rest } = rec;
      const label = LEVEL_LABEL[level as number] ?? String(level);
      const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
      const errText = err && typeof err === 'object' && 'message' in err ? `: ${(err as { message: string }).message}` : '';
      write(`myctr: ${label}: ${String(msg ?? '')}${errText}${extra}\n`);
    },
  };
}

const json = process.env.MYCTR_LOG_FORMAT === 'json';

export const log: Logger = pino(
  { level: process.env.MYCTR_LOG_LEVEL ?? 'warn', base: null },
  json ? destination({ fd: 2, sync: true }) : humanDestination((s) => process.stderr.write(s)),
);

export function setLogLevel(level: string): void {
  log.level = level;
}
