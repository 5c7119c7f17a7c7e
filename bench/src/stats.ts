/** p50 and p99 of a sample, in the sample's unit; null for an empty one. */
export type Quantiles = { p50: number; p99: number; n: number } | null;

/** Nearest-rank percentile of an already sorted array. */
function rank(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** p50 and p99 (nearest rank). */
export function quantiles(values: readonly number[]): Quantiles {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: rank(sorted, 50), p99: rank(sorted, 99), n: sorted.length };
}

/** `a - b` per quantile (how much a path adds over another); null when either is missing. */
export function added(a: Quantiles, b: Quantiles): { p50: number; p99: number } | null {
  if (!a || !b) return null;
  return { p50: a.p50 - b.p50, p99: a.p99 - b.p99 };
}
