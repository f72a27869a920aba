/**
 * What threat detection costs the engine, counted in machine instructions rather than timed: the shared 2-core
 * machine's speed swings by half from one minute to the next, and so do CPU-time ratios. Valgrind's cachegrind counts
 * the instructions every thread of the inspect child executes (V8's compiler and garbage collector included), and
 * V8's `--predictable` makes the count repeat: the engine's to a hundredth of a percent, with threat detection to about
 * 2% (measured twice each on one slice; something in the threat path still depends on time). Each count is taken on a
 * 64 MiB slice of the synthetic capture, for the engine alone and with threat detection: one pass (a fresh process,
 * JIT compilation included), and 3, 5, 7 and 9 passes in one process.
 *
 * Steady state is passes 8 and 9. Threat detection's code is larger and is still being compiled at passes 4 and 5:
 * on 2026-11-27 the same build read ×1.54 there (twice) and ×1.12 at passes 8 and 9, and the base of the morning
 * ranged from ×1.24 to ×1.37 at passes 4 and 5 from one run to the next. Passes 4 and 5 are still shown, as warm-up.
 * Run it on a quiet machine: the garbage collector's idle-time work runs on timers, and a run beside other valgrind
 * jobs gave ×1.6 where a quiet run just after gave ×1.24.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { buildChild, ensureCapture } from './inspect-throughput.bench.ts';
import { childInstructions, sliceCapture, valgrindAvailable } from './instruction-count.ts';

const work = join(import.meta.dirname, 'work');
const root = join(import.meta.dirname, '..');
const sliceBytes = 64 * 1024 * 1024;

const instructions = (child: string, file: string, mode: string, passes: number): Promise<number> =>
  childInstructions(child, file, mode, passes, root);

/** Instructions of a fresh process run for 1, 3, 5, 7 and 9 passes, by pass count. */
export type Counts = Record<number, number>;
const passCounts = [1, 3, 5, 7, 9] as const;

/** Instructions per pass between two pass counts (from 0: the whole first pass, startup included). */
export const perPass = (counts: Counts, from: number, to: number): number =>
  ((counts[to] ?? 0) - (from === 0 ? 0 : (counts[from] ?? 0))) / (to - from);

export type InstructionResult =
  | { skipped: string }
  | {
      slice: { bytes: number; packets: number };
      engine: Counts;
      threats: Counts;
      firstPass: number;
      /** Passes 4 and 5, still compiling. */
      warming: number;
      /** Passes 8 and 9. */
      steady: number;
    };

export const runThreatInstructions = async (): Promise<InstructionResult> => {
  if (!(await valgrindAvailable()))
    return { skipped: 'valgrind is not installed (apt-get install valgrind)' };
  const full = join(work, 'synthetic.pcap');
  await ensureCapture(full);
  const slice = join(work, 'synthetic-slice.pcap');
  const packets = sliceCapture(full, slice, sliceBytes);
  const child = await buildChild();
  // Two at a time (two cores): the counts do not depend on what else runs.
  const engine: Counts = {};
  const threats: Counts = {};
  for (const passes of passCounts) {
    [engine[passes], threats[passes]] = await Promise.all([
      instructions(child, slice, 'engine', passes),
      instructions(child, slice, 'threats', passes),
    ]);
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  const ratio = (from: number, to: number) => round(perPass(threats, from, to) / perPass(engine, from, to));
  return {
    slice: { bytes: statSync(slice).size, packets },
    engine,
    threats,
    firstPass: round(perPass(threats, 0, 1) / perPass(engine, 0, 1)),
    warming: ratio(3, 5),
    steady: ratio(7, 9),
  };
};
