// Lifecycle settings of a container (restart policy, log limits, stop signal and timeout, --init) and the
// parsers for their flags. Pure; persisted inside the container's config.json as `lifecycle`.
import { constants } from 'node:os';
import { UsageError } from '../errors.js';

export type RestartPolicyName = 'no' | 'on-failure' | 'always' | 'unless-stopped';

export interface LifecycleConfig {
  restart: { policy: RestartPolicyName; maxRetries: number };
  /** json-file limits: bytes per file (0 = unbounded) and files kept (current + rotated). */
  log: { maxSize: number; maxFile: number };
  stopSignal: NodeJS.Signals;
  /** Seconds between the stop signal and SIGKILL. */
  stopTimeout: number;
  /** Path of the static init bound into the container as PID 1 (tini/catatonit), when --init. */
  init?: string;
}

export const DEFAULT_LIFECYCLE: LifecycleConfig = {
  restart: { policy: 'no', maxRetries: 0 },
  log: { maxSize: 0, maxFile: 1 },
  stopSignal: 'SIGTERM',
  stopTimeout: 10,
};

/** `--restart no|on-failure[:N]|always|unless-stopped`. */
export function parseRestart(text: string | undefined): LifecycleConfig['restart'] {
  if (text === undefined || text === 'no') return { policy: 'no', maxRetries: 0 };
  const m = /^(on-failure)(?::(\d+))?$|^(always|unless-stopped)$/.exec(text);
  if (!m) throw new UsageError(`invalid restart policy \`${text}\``, 'use no, on-failure[:max-retries], always or unless-stopped');
  if (m[3]) return { policy: m[3] as RestartPolicyName, maxRetries: 0 };
  return { policy: 'on-failure', maxRetries: m[2] !== undefined ? Number(m[2]) : 0 };
}

/** `10m`, `1g`, `512k`, `100` (bytes), as Docker's max-size. */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`invalid size \`${text}\` for ${flag}`, 'use a number with an optional k, m or g suffix, e.g. 10m');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}

/** `--log-opt max-size=10m --log-opt max-file=3` (json-file's options; others are refused). */
export function parseLogOpts(opts: readonly string[]): LifecycleConfig['log'] {
  const log = { ...DEFAULT_LIFECYCLE.log };
  for (const o of opts) {
    const i = o.indexOf('=');
    const [k, v] = i < 0 ? [o, ''] : [o.slice(0, i), o.slice(i + 1)];
    if (k === 'max-size') log.maxSize = parseSize(v, '--log-opt max-size');
    else if (k === 'max-file') {
      if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`invalid --log-opt max-file \`${v}\``, 'use a positive number of files');
      log.maxFile = Number(v);
    } else throw new UsageError(`unsupported --log-opt \`${o}\``, 'supported: max-size=<size>, max-file=<n>');
  }
  return log;
}

/** `TERM`, `SIGTERM`, `15` → 'SIGTERM'. */
export function parseSignal(text: string): NodeJS.Signals {
  const upper = text.toUpperCase();
  if (/^\d+$/.test(upper)) {
    const n = Number(upper);
    const name = Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
    if (name) return name as NodeJS.Signals;
  } else {
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (name in constants.signals) return name as NodeJS.Signals;
  }
  throw new UsageError(`invalid signal \`${text}\``, 'use a name such as TERM, HUP, KILL or a number');
}

/** The recorded lifecycle of a new container: the flags given, else the image's STOPSIGNAL, else defaults. */
export function lifecycleConfig(lo: {
  restart?: LifecycleConfig['restart']; log?: LifecycleConfig['log']; stopSignal?: string; stopTimeout?: number;
}, imageStopSignal: string | undefined, init: string | undefined): LifecycleConfig {
  return {
    restart: lo.restart ?? DEFAULT_LIFECYCLE.restart,
    log: lo.log ?? DEFAULT_LIFECYCLE.log,
    stopSignal: parseSignal(lo.stopSignal ?? imageStopSignal ?? 'SIGTERM'),
    stopTimeout: lo.stopTimeout ?? DEFAULT_LIFECYCLE.stopTimeout,
    ...(init !== undefined ? { init } : {}),
  };
}

/** Docker refuses a restart policy with --rm (\`Conflicting options: --restart and --rm\`). */
export function checkRestartWithRm(restart: LifecycleConfig['restart'] | undefined, rm: boolean): void {
  if (rm && restart !== undefined && restart.policy !== 'no') {
    throw new UsageError('conflicting options: --restart and --rm', 'a container removed when it exits cannot be restarted; drop one of them');
  }
}
