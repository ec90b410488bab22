// Shared setup for the `myctr run` integration tests: a private store with the busybox image, and a
// `run()` that invokes the CLI against it.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult, type RunCliOptions } from '../../support/spawn-cli.js';
import { testEnv, type TestEnv } from '../../support/tmp.js';

export interface RecordedState { status: string; pid?: number; exitCode?: number }

export interface RunFixture {
  env: TestEnv;
  run(args: readonly string[], opts?: RunCliOptions): Promise<CliResult>;
  cli(args: readonly string[], opts?: RunCliOptions): Promise<CliResult>;
  /** Ids of the containers recorded in the store. */
  containerIds(): string[];
  /** Names reserved in the store. */
  names(): string[];
  /** The recorded state of a named container. */
  stateOf(name: string): RecordedState;
}

export async function setupRunFixture(): Promise<RunFixture> {
  const env = testEnv();
  const cli = (args: readonly string[], opts: RunCliOptions = {}) =>
    runCli(args, { ...opts, env: { ...env.env, ...opts.env } });
  const boot = await cli(['bootstrap', 'busybox']);
  if (boot.code !== 0) throw new Error(`bootstrap busybox failed: ${boot.stderr}`);
  const list = (dir: string) => { try { return readdirSync(join(env.root, dir)); } catch { return []; } };
  return {
    env,
    cli,
    run: (args, opts) => cli(['run', ...args], opts),
    containerIds: () => list('containers').filter((d) => /^[0-9a-f]{64}$/.test(d)),
    names: () => list('names'),
    stateOf: (name) => {
      const id = readlinkSync(join(env.root, 'names', name));
      return JSON.parse(readFileSync(join(env.root, 'containers', id, 'state.json'), 'utf8')) as RecordedState;
    },
  };
}

/** CapEff, CapBnd, … and NoNewPrivs of `/proc/self/status` text as bigints. */
export function capsOf(status: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const m of status.matchAll(/^(Cap\w+|NoNewPrivs):\s*([0-9a-f]+)$/gm)) out[m[1]!] = BigInt(`0x${m[2]}`);
  return out;
}

export function bit(...nums: number[]): bigint {
  return nums.reduce((acc, n) => acc | (1n << BigInt(n)), 0n);
}

/** Podman's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT. */
export const DEFAULT_CAPS = bit(0, 1, 3, 4, 5, 10, 31, 6, 8, 7, 18);
