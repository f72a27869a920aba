/** Registers the engine-versus-nDPI measure in instructions executed (steadier than the timed one; see its run). */
import { type Benchmark, table } from './benchmark.ts';
import { type EngineInstructionResult, runEngineInstructions } from './engine-instructions.bench.ts';
import { billions } from './instruction-count.ts';
import { settledPasses } from './settled-instructions.ts';

export const engineInstructionsBenchmark: Benchmark<EngineInstructionResult> = {
  id: 'engine-instructions',
  title:
    'Inspection engine vs nDPI in instructions executed (cachegrind, V8 --predictable), whole synthetic capture',
  run: runEngineInstructions,
  render: (r) => {
    if ('skipped' in r) return `Skipped: ${r.skipped}.`;
    const row = (name: string, c: { empty: number; once: number; twice: number; thrice: number }) => [
      name,
      billions(c.empty),
      billions(c.once),
      billions(c.once - c.empty),
      billions(c.thrice - c.twice),
      Math.round((c.once - c.empty) / r.capture.packets),
      Math.round((c.thrice - c.twice) / r.capture.packets),
    ];
    const met = (x: number) => (x >= 1 ? 'met' : 'MISSED');
    return [
      `Capture: ${(r.capture.bytes / 1048576).toFixed(1)} MiB, ${r.capture.packets} packets. Counts are every thread's instructions, in billions; "startup" is the same process on a capture with no packets.`,
      '',
      table(
        [
          'run',
          'startup',
          'whole process, one pass',
          'first pass (less startup)',
          'third pass (steady state)',
          'per packet, first pass',
          'per packet, steady',
        ],
        [row('meshward engine', r.ours), row('ndpiReader', r.ndpi)],
      ),
      '',
      "Where meshward's instructions go (billions; cachegrind's per-function counts, by the node binary's symbol names; the steady column is passes 2 and 3 averaged):",
      '',
      table(
        ['category', 'one pass (whole process)', 'per pass, passes 2 and 3'],
        Object.keys(r.categories.once).map((name) => [
          name,
          billions(r.categories.once[name] ?? 0),
          billions(((r.categories.thrice[name] ?? 0) - (r.categories.once[name] ?? 0)) / 2),
        ]),
      ),
      '',
      `nDPI ÷ meshward (≥ 1: meshward executes no more than nDPI; target ≥ 1): whole process ${r.ratios.wholeProcess}, first pass **${r.ratios.firstPass}** (${met(r.ratios.firstPass)}), steady state **${r.ratios.steady}** (${met(r.ratios.steady)}).`,
      '',
      `Settled (a tap long after warm-up): passes ${settledPasses.from + 1} to ${settledPasses.to} of the capture's first ${r.settled.slice.packets} packets (64 MiB) through one engine, each pass a second after the last as a tap reads, a pass: meshward ${billions(r.settled.ours)} G, nDPI ${billions(r.settled.ndpi)} G, nDPI ÷ meshward **${r.settled.ratio}** (${met(r.settled.ratio)}). Where meshward's go, a pass:`,
      '',
      table(
        ['category', 'a pass, passes 17 to 24'],
        Object.keys(r.settled.categories).map((name) => [name, billions(r.settled.categories[name] ?? 0)]),
      ),
    ].join('\n');
  },
  missed: (r) => {
    if ('skipped' in r) return [];
    const below = (name: string, ratio: number) =>
      ratio >= 1 ? [] : [`${name}: nDPI ÷ meshward ${ratio} in instructions, target ≥ 1`];
    return [
      ...below('first pass', r.ratios.firstPass),
      ...below('steady state (third pass)', r.ratios.steady),
      ...below('settled (passes 17 to 24 of the slice)', r.settled.ratio),
    ];
  },
};
