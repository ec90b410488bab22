// The root logger: pino, quiet by default (warn); `--log-level` or MYCTR_LOG_LEVEL raise it. Lines go to
// stderr as `myctr: warning: …` for people, or as pino's JSON with MYCTR_LOG_FORMAT=json. No transports
// (they start worker threads). pino itself is loaded on the first line actually written: most commands log
// nothing, and not loading it saves a good part of the CLI's start-up.
import { createRequire } from 'node:module';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type LevelName = keyof typeof LEVELS;
const LEVEL_LABEL: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

type LogFn = (objOrMsg: unknown, msg?: string, ...args: unknown[]) => void;

/** The part of pino's Logger that myctr uses. */
export interface Logger {
  level: string;
  isLevelEnabled(level: string): boolean;
  child(bindings: Record<string, unknown>): Logger;
  trace: LogFn; debug: LogFn; info: LogFn; warn: LogFn; error: LogFn; fatal: LogFn;
}

/** A pino destination that renders each JSON line as one human line (plus its extra fields). */
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

interface PinoLike {
  level: string;
  child(b: Record<string, unknown>): PinoLike;
  [level: string]: unknown;
}

const state = { level: (process.env.MYCTR_LOG_LEVEL ?? 'warn') as string, pino: undefined as PinoLike | undefined };

function realRoot(): PinoLike {
  if (!state.pino) {
    const require = createRequire(import.meta.url);
    const pinoMod = require('pino') as { pino: (o: object, d: unknown) => PinoLike; destination: (o: object) => unknown };
    const json = process.env.MYCTR_LOG_FORMAT === 'json';
    state.pino = pinoMod.pino({ level: state.level, base: null },
      json ? pinoMod.destination({ fd: 2, sync: true }) : humanDestination((s) => process.stderr.write(s)));
  }
  return state.pino;
}

function enabled(level: string): boolean {
  const want = LEVELS[level as LevelName];
  const cur = LEVELS[state.level as LevelName] ?? (state.level === 'silent' ? Infinity : LEVELS.warn);
  return want !== undefined && want >= cur;
}

function makeLogger(bindings: Record<string, unknown>): Logger {
  const emit = (level: LevelName): LogFn => (objOrMsg, msg, ...args) => {
    if (!enabled(level)) return;
    const target = Object.keys(bindings).length ? realRoot().child(bindings) : realRoot();
    (target[level] as (...a: unknown[]) => void).call(target, objOrMsg, msg, ...args);
  };
  return {
    get level() { return state.level; },
    set level(l: string) { setLogLevel(l); },
    isLevelEnabled: enabled,
    child: (b) => makeLogger({ ...bindings, ...b }),
    trace: emit('trace'), debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), fatal: emit('fatal'),
  };
}

export const log: Logger = makeLogger({});

export function setLogLevel(level: string): void {
  state.level = level;
  if (state.pino) state.pino.level = level;
}
