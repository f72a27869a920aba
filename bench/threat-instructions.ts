/** Registers the instruction-count measure of threat detection's cost (steadier than the timed one; see its run). */
import { type Benchmark, table } from './benchmark.ts';
import { billions } from './instruction-count.ts';
import { type InstructionResult, runThreatInstructions } from './threat-instructions.bench.ts';

export const threatInstructionsBenchmark: Benchmark<InstructionResult> = {
  id: 'threat-instructions',
  title:
    'Threat detection cost in instructions executed (cachegrind, V8 --predictable): engine vs engine + threats',
  run: runThreatInstructions,
  render: (r) => {
    if ('skipped' in r) return `Skipped: ${r.skipped}.`;
    const perPass = (x: { thrice: number; fiveTimes: number }) => billions((x.fiveTimes - x.thrice) / 2);
    return [
      `Slice: the first ${(r.slice.bytes / 1048576).toFixed(1)} MiB (${r.slice.packets} packets) of the synthetic capture. Counts are every thread's instructions (V8's compiler and garbage collector included), in billions.`,
      '',
      table(
        ['run', 'first pass (fresh process)', 'per pass, passes 4 and 5 (steady state)'],
        [
          ['meshward engine', billions(r.engine.once), perPass(r.engine)],
          ['meshward engine + threat detection', billions(r.threats.once), perPass(r.threats)],
          ['threat detection ×', r.firstPass, r.steady],
        ],
      ),
      '',
      `Threat detection costs ×${r.firstPass} of the engine's instructions on a first pass and ×${r.steady} in steady state (target ≤ 1.5: ${Math.max(r.firstPass, r.steady) <= 1.5 ? 'met' : 'MISSED'}).`,
    ].join('\n');
  },
};
