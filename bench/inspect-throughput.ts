/** Registers the engine-versus-nDPI throughput benchmark with its report. */
import { type Benchmark, table } from './benchmark.ts';
import { runThroughputBench, type ThroughputResult } from './inspect-throughput.bench.ts';

export const inspectThroughputBenchmark: Benchmark<ThroughputResult> = {
  id: 'inspect-throughput',
  title: 'Inspection engine throughput vs nDPI (ndpiReader) on a synthetic capture, one core each',
  run: runThroughputBench,
  render: (r) => {
    const perPacket = (cpuMs: number) => Math.round(((cpuMs * 1000) / r.capture.packets) * 100) / 100;
    const stage = (name: string, run: { cpuMs: number; ms: number; maxRssMb: number }) => [
      name,
      Math.round(run.cpuMs),
      perPacket(run.cpuMs),
      '',
      Math.round(run.ms),
      run.maxRssMb,
    ];
    const rows: (string | number)[][] = [
      stage('capture reading only (floor)', r.stages.read),
      stage('pipeline without layer 7 (decode, flows, reassembly; no detector)', r.stages.pipeline),
      [
        'meshward engine',
        Math.round(r.ours.cpuMs),
        r.ours.cpuUsPerPacket,
        r.ours.cpuMbPerSecond,
        Math.round(r.ours.ms),
        r.ours.maxRssMb,
      ],
      [
        'meshward engine + threat detection',
        Math.round(r.oursWithThreats.cpuMs),
        perPacket(r.oursWithThreats.cpuMs),
        '',
        Math.round(r.oursWithThreats.ms),
        r.oursWithThreats.maxRssMb,
      ],
    ];
    if (r.ndpi !== undefined)
      rows.push([
        'ndpiReader (nDPI 4.2)',
        Math.round(r.ndpi.cpuMs),
        r.ndpi.cpuUsPerPacket,
        r.ndpi.cpuMbPerSecond,
        Math.round(r.ndpi.ms),
        `${r.ndpi.peakMemoryMb} (nDPI's own peak)`,
      ]);
    const labels = r.labels;
    return [
      `Capture: ${(r.capture.bytes / 1048576).toFixed(1)} MiB, ${r.capture.packets} packets, ${r.capture.flows} flows (bench/synthetic-capture.ts). meshward runs as one esbuild bundle, as the tap ships (dist/tap.mjs). Each figure is the least CPU of ${r.runs} runs taken in turns.`,
      '',
      table(['run', 'CPU ms', 'CPU µs/packet', 'MiB per CPU-second', 'wall ms', 'peak RSS MiB'], rows),
      '',
      r.ratio === undefined
        ? 'ndpiReader not installed: no ratio.'
        : `**Throughput ratio (meshward / nDPI, CPU time, one core each): ${r.ratio}** (≥ 1 means meshward is faster; wall-time ratio ${r.wallRatio}, noisy on a shared machine).`,
      '',
      `Steady state (a tap runs for days): the capture inspected ${r.steady.passes} times in one process, CPU of the last pass; nDPI: CPU per loop of \`ndpiReader -l ${r.steady.passes}\` past its first. The figures above are a fresh process's first pass, JIT compilation included.`,
      '',
      table(
        ['steady state', 'CPU ms per pass', 'CPU µs/packet'],
        [
          ['meshward engine', Math.round(r.steady.engineCpuMs), perPacket(r.steady.engineCpuMs)],
          [
            'meshward engine + threat detection',
            Math.round(r.steady.threatsCpuMs),
            perPacket(r.steady.threatsCpuMs),
          ],
          ...(r.steady.ndpiCpuMs === undefined
            ? []
            : [['ndpiReader (nDPI 4.2)', Math.round(r.steady.ndpiCpuMs), perPacket(r.steady.ndpiCpuMs)]]),
        ],
      ),
      '',
      r.steady.ratio === undefined
        ? ''
        : `Steady-state ratio (meshward / nDPI, CPU): ${r.steady.ratio}; threat detection ×${Math.round((r.steady.threatsCpuMs / r.steady.engineCpuMs) * 100) / 100} of the engine.`,
      '',
      `Threat detection costs ×${r.oursWithThreats.slowdown} of the engine's CPU time (target ≤ 1.5, i.e. no more than a third of the throughput lost: ${r.oursWithThreats.slowdown <= 1.5 ? 'met' : 'MISSED'}).`,
      '',
      `Labels against ground truth (${labels.truthFlows} flows with a known protocol): meshward correct ${labels.oursCorrect}` +
        (labels.ndpiCorrect === undefined
          ? ''
          : `, nDPI correct ${labels.ndpiCorrect}; flows nDPI gets right and meshward misses: ${labels.ndpiRightWeWrong}`),
      ...labels.examples.map((e) => `- ${e}`),
    ].join('\n');
  },
  // Threat detection's ×1.5 is judged by threat-instructions (instructions; CPU time here swings with the machine).
  missed: (r) => [
    ...(r.ratio === undefined || r.ratio >= 1
      ? []
      : [`first pass: meshward / nDPI ${r.ratio} in CPU time, target ≥ 1`]),
    ...(r.steady.ratio === undefined || r.steady.ratio >= 1
      ? []
      : [`steady state: meshward / nDPI ${r.steady.ratio} in CPU time, target ≥ 1`]),
    ...(r.labels.ndpiRightWeWrong === undefined || r.labels.ndpiRightWeWrong === 0
      ? []
      : [`${r.labels.ndpiRightWeWrong} flows nDPI labels right and meshward misses, target 0`]),
  ],
};
