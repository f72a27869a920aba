/** Registers the engine-versus-nDPI throughput benchmark with its report. */
import { type Benchmark, table } from './benchmark.ts';
import { runThroughputBench, type ThroughputResult } from './inspect-throughput.bench.ts';

export const inspectThroughputBenchmark: Benchmark<ThroughputResult> = {
  id: 'inspect-throughput',
  title: 'Inspection engine throughput vs nDPI (ndpiReader) on a synthetic capture, one core each',
  run: runThroughputBench,
  render: (r) => {
    const rows: (string | number)[][] = [
      [
        'meshward engine',
        Math.round(r.ours.ms),
        r.ours.packetsPerSecond,
        r.ours.mbPerSecond,
        r.ours.maxRssMb,
      ],
      [
        'meshward engine + threat detection',
        Math.round(r.oursWithThreats.ms),
        r.oursWithThreats.packetsPerSecond,
        '',
        r.oursWithThreats.maxRssMb,
      ],
    ];
    if (r.ndpi !== undefined)
      rows.push([
        'ndpiReader (nDPI 4.2, wall)',
        Math.round(r.ndpi.ms),
        r.ndpi.packetsPerSecond,
        r.ndpi.mbPerSecond,
        `${r.ndpi.peakMemoryMb} (nDPI's own peak)`,
      ]);
    const labels = r.labels;
    return [
      `Capture: ${(r.capture.bytes / 1048576).toFixed(1)} MiB, ${r.capture.packets} packets, ${r.capture.flows} flows (bench/synthetic-capture.ts).`,
      '',
      table(['run', 'ms', 'packets/s', 'MiB/s', 'peak RSS MiB'], rows),
      '',
      r.ratio === undefined
        ? 'ndpiReader not installed: no ratio.'
        : `**Throughput ratio (meshward / nDPI, wall time): ${r.ratio}** (≥ 1 means meshward is faster).`,
      `Threat detection costs ×${r.oursWithThreats.slowdown} of the engine's time (target ≤ 1.5, i.e. no more than a third of the throughput lost: ${r.oursWithThreats.slowdown <= 1.5 ? 'met' : 'MISSED'}).`,
      '',
      `Labels against ground truth (${labels.truthFlows} flows with a known protocol): meshward correct ${labels.oursCorrect}` +
        (labels.ndpiCorrect === undefined
          ? ''
          : `, nDPI correct ${labels.ndpiCorrect}; flows nDPI gets right and meshward misses: ${labels.ndpiRightWeWrong}`),
      ...labels.examples.map((e) => `- ${e}`),
    ].join('\n');
  },
};
