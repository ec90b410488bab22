// Lifecycle flags of `run`/`create` (--restart, --log-opt, --init, --stop-signal, --stop-timeout) as commander
// collects them → LifecycleOptions. Pure.
import { UsageError } from '../errors.js';
import { parseLogOpts, parseRestart, parseSignal } from './config.js';
import type { LifecycleOptions } from './create.js';

export interface RawLifecycleFlags {
  restart?: string;
  logOpt?: string[];
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
}

export function toLifecycleOptions(raw: RawLifecycleFlags): LifecycleOptions {
  let stopTimeout: number | undefined;
  if (raw.stopTimeout !== undefined) {
    if (!/^\d+$/.test(raw.stopTimeout)) throw new UsageError(`invalid --stop-timeout \`${raw.stopTimeout}\``, 'give whole seconds, e.g. --stop-timeout 5');
    stopTimeout = Number(raw.stopTimeout);
  }
  return {
    restart: parseRestart(raw.restart),
    log: parseLogOpts(raw.logOpt ?? []),
    ...(raw.stopSignal !== undefined ? { stopSignal: parseSignal(raw.stopSignal) } : {}),
    ...(stopTimeout !== undefined ? { stopTimeout } : {}),
    init: raw.init ?? false,
  };
}
