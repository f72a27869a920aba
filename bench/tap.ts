/** Registers the tap resource benchmark: CPU and memory of `meshward tap` at given packet rates (root only). */
import { type Benchmark, table } from './benchmark.ts';
import { runTapBench, type TapBenchResult } from './tap.bench.ts';

export const tapBenchmark: Benchmark<TapBenchResult> = {
  id: 'tap',
  title: 'The tap in a pod: CPU and memory at a packet rate (real tcpdump on lo, root only)',
  run: () => runTapBench(),
  render: (r) =>
    `${r.traffic}, ${r.seconds} s per rate, ${r.cpus} CPUs.\n\n${table(
      [
        'target pps',
        'sent pps',
        'captured pps',
        'loss %',
        'tap CPU %',
        'tcpdump CPU %',
        'tap peak RSS MiB',
        'findings sent',
      ],
      r.rows.map((row) => [
        row.targetPps,
        row.generatedPps,
        row.capturedPps,
        row.lossPercent,
        row.tapCpuPercent,
        row.tcpdumpCpuPercent,
        row.tapPeakRssMiB,
        row.findingsSent,
      ]),
    )}\n\ntcpdump kernel drops over the run: ${r.tcpdumpKernelDrops ?? 'n/a'}`,
};
