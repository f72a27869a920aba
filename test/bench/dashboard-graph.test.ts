/** The dashboard benchmark's verdict: a median at or above its target is a miss, named, which fails `npm run bench`. */
import { describe, expect, it } from 'vitest';
import { dashboardGraphBenchmark } from '#bench/dashboard-graph.ts';

const result = (loadMs: number, filterMs: number) => ({
  runs: [{ loadMs, renderMs: 0, filterMs }],
  loadMs,
  filterMs,
});

describe('dashboard-graph benchmark', () => {
  it('misses nothing under the targets (10 s to ready, 2 s to filtered), and says so', () => {
    expect(dashboardGraphBenchmark.missed?.(result(9999, 1999))).toEqual([]);
    expect(dashboardGraphBenchmark.render(result(9999, 1999))).toContain(
      'ready after a reload 9999 ms (target < 10000 ms: met); filtered 1999 ms (target < 2000 ms: met)',
    );
  });

  it('names each target missed', () => {
    expect(dashboardGraphBenchmark.missed?.(result(10_000, 1999))).toEqual([
      'graph ready 10000 ms after a reload, target < 10000 ms',
    ]);
    expect(dashboardGraphBenchmark.missed?.(result(12_345, 2000))).toEqual([
      'graph ready 12345 ms after a reload, target < 10000 ms',
      'graph filtered in 2000 ms, target < 2000 ms',
    ]);
    expect(dashboardGraphBenchmark.render(result(9999, 2000))).toContain(
      'filtered 2000 ms (target < 2000 ms: MISSED)',
    );
  });
});
