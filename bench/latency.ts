/** Latency statistics for benchmarks: percentiles over recorded samples. */

export type LatencySummary = {
  count: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  perSecond: number;
};

export const summarize = (samplesMs: number[], wallMs: number): LatencySummary => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    count: sorted.length,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(mean),
    perSecond: Math.round((sorted.length / wallMs) * 1000),
  };
};

/** Times `iterations` calls of a synchronous function after a warm-up. */
export const timeSync = (
  fn: () => unknown,
  iterations: number,
  warmup = Math.min(2000, iterations),
): LatencySummary => {
  for (let i = 0; i < warmup; i += 1) fn();
  const samples: number[] = new Array(iterations);
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    fn();
    samples[i] = performance.now() - t0;
  }
  return summarize(samples, performance.now() - start);
};
