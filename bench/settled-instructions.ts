/**
 * The engine long after warm-up, as a tap that has run for hours: instructions a pass over passes 17 to 24 of the
 * capture's first 64 MiB through one engine (24 passes less 16), against nDPI's over the same passes (`ndpiReader -l`).
 * The third pass (engine-instructions' "steady state") still pays for compiling: V8 optimizes code that runs once per
 * flow or per message of a rarer protocol only after many thousands of calls, and on the 64 MiB slice TurboFan was
 * still 30% of passes 11 and 12 and 15% of passes 17 to 24 (2026-11-27). Every pass goes through one engine, as a
 * tap's traffic does (`--continuous`); a new engine per pass, as `meshward inspect` makes per file, let every parser
 * of a pass die at its end, and V8 then dropped their optimized code (held weakly) and compiled it again: 0.50–0.59 G a
 * pass where one engine reads 0.50 G in repeated runs (2026-11-27).
 */
import { join } from 'node:path';
import { categorize, type InstructionCategories } from './instruction-categories.ts';
import { benchSlice, childInstructions, countInstructions } from './instruction-count.ts';

export const settledPasses = { from: 16, to: 24 } as const;

export type SettledResult = {
  slice: { bytes: number; packets: number };
  /** Instructions a pass, passes 17-24. */
  ours: number;
  ndpi: number;
  /** nDPI ÷ meshward. */
  ratio: number;
  /** meshward's instructions a pass by category over those passes. */
  categories: InstructionCategories;
};

const perPass = (early: number, late: number) => (late - early) / (settledPasses.to - settledPasses.from);

export const settledInstructions = async (
  child: string,
  full: string,
  work: string,
  root: string,
): Promise<SettledResult> => {
  const { path: slice, bytes, packets } = benchSlice(full, work);
  const keep = (passes: number) => join(work, `cachegrind-settled-${passes}.out`);
  // One engine for every pass, as a tap (bench/inspect-child.ts `--continuous`).
  const ours = (passes: number) =>
    childInstructions(child, slice, 'engine', passes, root, keep(passes), ['--continuous']);
  const ndpi = (loops: number) => countInstructions('ndpiReader', ['-i', slice, '-l', String(loops)], root);
  // Two at a time, a core each (as engine-instructions).
  const [oursEarly, oursLate] = await Promise.all([ours(settledPasses.from), ours(settledPasses.to)]);
  const [ndpiEarly, ndpiLate] = await Promise.all([ndpi(settledPasses.from), ndpi(settledPasses.to)]);
  const [early, late] = await Promise.all([
    categorize(keep(settledPasses.from)),
    categorize(keep(settledPasses.to)),
  ]);
  const categories = Object.fromEntries(
    Object.keys(late).map((name) => [name, perPass(early[name] ?? 0, late[name] ?? 0)]),
  );
  const o = perPass(oursEarly, oursLate);
  const n = perPass(ndpiEarly, ndpiLate);
  return {
    slice: { bytes, packets },
    ours: o,
    ndpi: n,
    ratio: Math.round((n / o) * 100) / 100,
    categories,
  };
};
