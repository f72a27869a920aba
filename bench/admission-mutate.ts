/** Registers the mutating-webhook latency benchmark with its report table. */
import { type MutateBenchResult, runMutateBench } from './admission-mutate.bench.ts';
import { type Benchmark, table } from './benchmark.ts';

const row = (name: string, s: { p50Ms: number; p99Ms: number; perSecond: number }) => [
  name,
  s.p50Ms,
  s.p99Ms,
  s.perSecond,
];

const worstP99 = (r: MutateBenchResult) => Math.max(r.inProcess.p99Ms, r.inProcessNewShape.p99Ms);

export const admissionMutateBenchmark: Benchmark<MutateBenchResult> = {
  id: 'admission-mutate',
  title: 'Mutating webhook latency (target: p99 < 2 ms in-process; HTTPS ≥ 80% of a do-nothing webhook)',
  run: () => runMutateBench(),
  render: (r) =>
    `${table(
      ['path', 'p50 ms', 'p99 ms', 'reviews/s'],
      [
        row('in-process: inject (Istio pod, replica of a seen shape)', r.inProcess),
        row('in-process: inject (Istio pod, new shape: patch built)', r.inProcessNewShape),
        row('in-process: do-nothing', r.inProcessNoop),
        row('HTTPS, 16 concurrent: inject (replicas of one shape: patch from the cache)', r.https),
        row('HTTPS, 16 concurrent: inject (every pod a new shape: patch built)', r.httpsNewShape),
        row('HTTPS, 16 concurrent: do-nothing', r.httpsNoop),
      ],
    )}\n\nThe HTTPS server runs in its own process as an esbuild bundle built like the Lambda bundles (no tsx, no keep-names helper), with both webhooks in it; every review is of one Istio pod, so after the first the patch comes from the per-shape cache, as for the replicas of one Deployment. Server CPU per review over HTTPS: inject ${r.serverCpuMsPerReview.inject} ms, do-nothing ${r.serverCpuMsPerReview.noop} ms; load generator CPU per review: inject ${r.clientCpuMsPerReview.inject} ms, do-nothing ${r.clientCpuMsPerReview.noop} ms.\n\nHTTPS throughput ratio (inject / do-nothing): **${r.httpsThroughputRatio}** (pairs of rounds: ${r.roundRatios.join(', ')}); in-process p99 ${worstP99(r)} ms (the slower of a seen and a new pod shape) — ${
      worstP99(r) < 2 ? 'meets' : 'MISSES'
    } the 2 ms target; ratio ${r.httpsThroughputRatio >= 0.8 ? 'meets' : 'MISSES'} the 0.8 target.\n\nWith every pod a shape the server has not seen (the patch built each time and the shape cache churning, the worst case for it): ratio **${r.httpsNewShapeRatio}**, which ${r.httpsNewShapeRatio >= 0.8 ? 'also meets' : 'MISSES'} the 0.8 target.`,
  missed: (r) => [
    ...(worstP99(r) < 2 ? [] : [`in-process p99 ${worstP99(r)} ms (the slower pod shape), target < 2 ms`]),
    ...(r.httpsThroughputRatio >= 0.8
      ? []
      : [`HTTPS throughput ${r.httpsThroughputRatio} of a do-nothing webhook, target ≥ 0.8`]),
    ...(r.httpsNewShapeRatio >= 0.8
      ? []
      : [`HTTPS throughput with every pod a new shape ${r.httpsNewShapeRatio}, target ≥ 0.8`]),
  ],
};
