/** Registers the Lambda bundle benchmark: size under 1 MB and module load under 300 ms per function. */
import { type Benchmark, table } from './benchmark.ts';
import { type BundleResult, runBundleBench } from './bundles.bench.ts';

export const bundlesBenchmark: Benchmark<BundleResult[]> = {
  id: 'bundles',
  title:
    'Lambda bundles: size and cold-start estimate (module load time, best of 3) — targets < 1 MB, < 300 ms',
  run: runBundleBench,
  render: (rows) =>
    table(
      ['function', 'KiB', 'load ms', 'k8s client inside', 'AWS SDK inside', 'targets'],
      rows.map((r) => [
        r.name,
        Math.round(r.bytes / 1024),
        r.loadMs,
        r.kubernetesClient ? 'yes' : 'no',
        r.awsSdk ? 'yes' : 'no',
        r.bytes < 1_048_576 && r.loadMs < 300 ? 'met' : 'MISSED',
      ]),
    ),
};
