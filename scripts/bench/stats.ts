// Pure statistics over timing samples: quantiles (linear interpolation, like numpy's default), and the
// summary a bench row prints. No I/O here so the unit tests can pin the numbers.

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  readonly stdev: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of `sorted` (ascending), interpolating linearly between the two nearest
 * ranks (Hyndman & Fan type 7: numpy's and R's default). Throws on an empty list.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function quantile(samples: readonly number[], q: number): number {
  return quantileSorted([...samples].sort((x, y) => x - y), q);
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summary of an empty sample');
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    n,
    min: sorted[0]!,
    median: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    max: sorted[n - 1]!,
    mean,
    stdev: Math.sqrt(variance),
  };
}

/** `value / baseline`, or undefined when either is missing or the baseline is not positive. */
export function ratio(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || !(baseline > 0)) return undefined;
  return value / baseline;
}
