/** Registers the Lambda bundle benchmark: size under 1 MB and module load under 300 ms per function. */
import { type Benchmark, table } from './benchmark.ts';
import { type BundleResult, runBundleBench } from './bundles.bench.ts';

export const bundlesBenchmark: Benchmark<BundleResult[]> = {
  id: 'bundles',
  title:
    'Lambda bundles as the stack builds them: size and cold-start estimate (module load in a fresh process, best of 3: CPU ms and wall ms) — targets < 1 MB, < 300 ms',
  run: runBundleBench,
  render: (rows) =>
    table(
      [
        'function',
        'KiB',
        'load CPU ms',
        'load wall ms',
        'zod KiB',
        'k8s client inside',
        'AWS SDK inside',
        'targets',
      ],
      rows.map((r) => [
        r.name,
        Math.round(r.bytes / 1024),
        r.loadCpuMs,
        r.loadWallMs,
        Math.round(r.zodBytes / 1024),
        r.kubernetesClient ? 'yes' : 'no',
        r.awsSdk ? 'yes' : 'no',
        r.bytes < 1_048_576 && r.loadCpuMs < 300 ? 'met' : 'MISSED',
      ]),
    ),
  missed: (rows) =>
    rows.flatMap((r) => [
      ...(r.bytes < 1_048_576 ? [] : [`${r.name}: ${Math.round(r.bytes / 1024)} KiB, target < 1024 KiB`]),
      ...(r.loadCpuMs < 300 ? [] : [`${r.name}: module load ${r.loadCpuMs} ms of CPU, target < 300 ms`]),
    ]),
};
