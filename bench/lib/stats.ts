/** Small statistics for latency samples. */

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles of `samples` (which it sorts in place). */
export function percentiles(samples: number[]): Percentiles {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(q * samples.length) - 1))] ?? NaN;
  return { count: samples.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: samples[samples.length - 1] ?? NaN };
}

/** The median of a few repeated figures. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The median over rounds of a[i] / b[i], each pair measured in the same
 * round: the machine's speed drifts from one minute to the next, and a
 * ratio within a round cancels most of it.
 */
export function pairedRatio(a: number[], b: number[]): number {
  return median(a.slice(0, b.length).map((x, i) => x / b[i]!));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
