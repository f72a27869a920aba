/** Every benchmark `npm run bench` runs, in report order. */
import { admissionMutateBenchmark } from './admission-mutate.ts';
import { admissionValidateBenchmark } from './admission-validate.ts';
import type { Benchmark } from './benchmark.ts';
import { boundedMapBenchmark } from './bounded-map.ts';
import { bundlesBenchmark } from './bundles.ts';
import { controlPlaneBenchmark } from './control-plane.bench.ts';
import { dashboardGraphBenchmark } from './dashboard-graph.ts';
import { engineInstructionsBenchmark } from './engine-instructions.ts';
import { fuzzBenchmark } from './fuzz.ts';
import { inspectThroughputBenchmark } from './inspect-throughput.ts';
import { kernelAgreementBenchmark } from './kernel-agreement.ts';
import { ruleQualityBenchmark } from './rule-quality.ts';
import { tapBenchmark } from './tap.ts';
import { threatInstructionsBenchmark } from './threat-instructions.ts';
import { ndpiThreatsBenchmark, payloadsBenchmark } from './threats.ts';

export const benchmarks: Benchmark<never>[] = [
  admissionMutateBenchmark as Benchmark<never>,
  admissionValidateBenchmark as Benchmark<never>,
  inspectThroughputBenchmark as Benchmark<never>,
  engineInstructionsBenchmark as Benchmark<never>,
  threatInstructionsBenchmark as Benchmark<never>,
  fuzzBenchmark as Benchmark<never>,
  boundedMapBenchmark as Benchmark<never>,
  kernelAgreementBenchmark as Benchmark<never>,
  payloadsBenchmark as Benchmark<never>,
  ndpiThreatsBenchmark as Benchmark<never>,
  bundlesBenchmark as Benchmark<never>,
  ruleQualityBenchmark as Benchmark<never>,
  controlPlaneBenchmark as Benchmark<never>,
  dashboardGraphBenchmark as Benchmark<never>,
  tapBenchmark as Benchmark<never>,
];
