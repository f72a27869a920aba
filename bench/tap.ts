/** Registers the tap resource benchmark: CPU and memory of `meshward tap` at given packet rates (root only). */
import { type Benchmark, table } from './benchmark.ts';
import { runTapBench, type TapBenchResult } from './tap.bench.ts';

export const tapBenchmark: Benchmark<TapBenchResult> = {
  id: 'tap',
  title: 'The tap in a pod: CPU and memory at a packet rate (real tcpdump on lo, root only)',
  run: () => runTapBench(),
  render: (r) =>
    `${r.traffic}, ${r.seconds} s per rate, ${r.cpus} CPUs, load average ${r.loadAverage}; tap bundle ${r.bundleKiB} KiB.\n\n${table(
      [
        'tap runs',
        'target pps',
        'sent pps (lo)',
        'captured pps',
        'loss %',
        'tap CPU % of one core',
        'tap CPU µs/packet',
        'tcpdump CPU %',
        'tap RSS before MiB',
        'tap peak RSS MiB',
        'findings sent',
      ],
      r.rows.map((row) => [
        row.runtime,
        row.targetPps,
        row.generatedPps,
        row.capturedPps,
        row.lossPercent,
        row.tapCpuPercent,
        row.tapCpuMicrosPerPacket,
        row.tcpdumpCpuPercent,
        row.tapIdleRssMiB,
        row.tapPeakRssMiB,
        row.findingsSent,
      ]),
    )}\n\ntcpdump kernel drops per run: ${JSON.stringify(r.tcpdumpKernelDrops)}`,
};
