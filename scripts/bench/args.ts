// Command line of `npm run bench -- …` (pure, unit-tested).

export type OutputFormat = 'table' | 'json';

export interface BenchOptions {
  /** Timed runs per row, after the warm-ups. */
  readonly runs: number;
  readonly warmup: number;
  /** Separate runs per row with /proc sampling, for peak memory (0 = skip memory). */
  readonly memRuns: number;
  /** Sampling interval of memory runs. */
  readonly sampleMs: number;
  /** Section names to run; undefined = all. */
  readonly only?: readonly string[];
  readonly format: OutputFormat;
  /** No progress lines on stderr. */
  readonly quiet: boolean;
  readonly list: boolean;
  readonly help: boolean;
}

export const DEFAULTS: BenchOptions = {
  runs: 20,
  warmup: 2,
  memRuns: 3,
  sampleMs: 2,
  format: 'table',
  quiet: false,
  list: false,
  help: false,
};

export const USAGE = `usage: npm run bench -- [options]

  --runs N        timed runs per command, after the warm-ups (default ${DEFAULTS.runs})
  --warmup N      untimed warm-up runs per command (default ${DEFAULTS.warmup})
  --mem-runs N    extra runs per command with /proc sampling for peak memory (default ${DEFAULTS.memRuns}; 0 skips)
  --sample-ms N   sampling interval of the memory runs (default ${DEFAULTS.sampleMs})
  --only NAME     run only these sections (repeat, or NAME,NAME); see --list
  --format F      table (default) or json (on stdout; progress stays on stderr)
  --quiet         no progress on stderr
  --list          list the sections and exit
  -h, --help      this text`;

function intArg(name: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^[0-9]+$/.test(value) || Number(value) < min) {
    throw new Error(`${name} needs an integer ≥ ${min}`);
  }
  return Number(value);
}

/** Parses `--opt value` and `--opt=value` forms; throws on anything unknown. Bare `--` is ignored. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let opts: BenchOptions = { ...DEFAULTS };
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (raw === '--') continue;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--runs':
        opts = { ...opts, runs: intArg(name, value(), 1) };
        break;
      case '--warmup':
        opts = { ...opts, warmup: intArg(name, value(), 0) };
        break;
      case '--mem-runs':
        opts = { ...opts, memRuns: intArg(name, value(), 0) };
        break;
      case '--sample-ms':
        opts = { ...opts, sampleMs: intArg(name, value(), 1) };
        break;
      case '--only': {
        const v = value();
        if (!v) throw new Error('--only needs a section name');
        only.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'table' && v !== 'json') throw new Error('--format is table or json');
        opts = { ...opts, format: v };
        break;
      }
      case '--quiet':
        opts = { ...opts, quiet: true };
        break;
      case '--list':
        opts = { ...opts, list: true };
        break;
      case '-h':
      case '--help':
        opts = { ...opts, help: true };
        break;
      default:
        throw new Error(`unknown argument \`${raw}\``);
    }
  }
  return only.length > 0 ? { ...opts, only: [...new Set(only)] } : opts;
}
