/** Every benchmark `npm run bench` runs, in report order. */
import { admissionMutateBenchmark } from './admission-mutate.ts';
import type { Benchmark } from './benchmark.ts';
import { bundlesBenchmark } from './bundles.ts';
import { inspectThroughputBenchmark } from './inspect-throughput.ts';

export const benchmarks: Benchmark<never>[] = [
  admissionMutateBenchmark as Benchmark<never>,
  inspectThroughputBenchmark as Benchmark<never>,
  bundlesBenchmark as Benchmark<never>,
];
