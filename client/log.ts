// The root pino logger. Quiet by default (warn); `--log-level` or MYCTR_LOG_LEVEL raise it. Logs go to
// stderr so that stdout stays the container's. Never used by code that runs after pivot_root (no transports).
import { pino, destination, type Logger } from 'pino';

export type { Logger };

export const log: Logger = pino(
  { level: process.env.MYCTR_LOG_LEVEL ?? 'warn', base: null },
  destination({ fd: 2, sync: true }),
);

export function setLogLevel(level: string): void {
  log.level = level;
}
