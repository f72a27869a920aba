/**
 * Detector state at its bound: `boundedMap`'s eviction (an iterator kept across evictions) against the naive one (a
 * fresh `entries()` per eviction, which walks the slots a Map keeps for deleted keys until it rehashes), side by
 * side in one run. 200,000 new keys through a bound of 8192, as a scan or a flood with spoofed sources makes.
 */

import { boundedMap } from '#sidecar/threats/window/bounded-map.ts';
import { type Benchmark, table } from './benchmark.ts';

const keys = 200_000;
const bound = 8192;

/** The naive bounded Map the kept iterator replaced. */
const naiveUpsert = (map: Map<string, number>, key: string, value: number): void => {
  if (map.has(key)) return;
  if (map.size >= bound) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
};

const cpuMs = (run: () => void): number => {
  const started = process.cpuUsage();
  run();
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1000;
};

type Row = { name: string; ms: number; nsPerKey: number };
export type BoundedMapResult = { rows: Row[]; ratio: number };

const measure = (name: string, run: () => void): Row => {
  // The least of five runs: the machine is shared.
  const ms = Math.min(...Array.from({ length: 5 }, () => cpuMs(run)));
  return { name, ms, nsPerKey: (ms * 1e6) / keys };
};

export const boundedMapBenchmark: Benchmark<BoundedMapResult> = {
  id: 'bounded-map',
  title: `Detector state at its bound: ${keys.toLocaleString('en')} new keys through ${bound}, CPU time`,
  async run() {
    const ours = measure('boundedMap (iterator kept across evictions)', () => {
      const map = boundedMap<number>(bound);
      for (let i = 0; i < keys; i++) map.upsert(`k${i}`, () => i);
      if (map.size !== bound) throw new Error(`boundedMap holds ${map.size}, not ${bound}`);
    });
    const naive = measure('Map with a fresh iterator per eviction', () => {
      const map = new Map<string, number>();
      for (let i = 0; i < keys; i++) naiveUpsert(map, `k${i}`, i);
    });
    return { rows: [ours, naive], ratio: naive.ms / ours.ms };
  },
  render: (r) =>
    `${table(
      ['implementation', 'CPU ms', 'ns per key'],
      r.rows.map((row) => [row.name, row.ms.toFixed(1), row.nsPerKey.toFixed(0)]),
    )}\n\nThe naive eviction costs ×${r.ratio.toFixed(1)} of boundedMap's (a regression to it would show here).`,
};
