/**
 * What threat detection costs the engine, counted in machine instructions rather than timed: the shared 2-core
 * machine's speed swings by half from one minute to the next, and so do CPU-time ratios. Valgrind's cachegrind counts
 * the instructions every thread of the inspect child executes (V8's compiler and garbage collector included), and
 * V8's `--predictable` makes the count repeat: the engine's to a hundredth of a percent, with threat detection to about
 * 2% (measured twice each on one slice; something in the threat path still depends on time). Each count is taken on a
 * 64 MiB slice of the synthetic capture, for the engine alone and with threat detection: one pass (a fresh process,
 * JIT compilation included), and three and five passes in one process. Steady state is the fourth and fifth passes:
 * the second still compiles (more with threat detection, whose code is larger), and counting it put the steady ratio
 * at ×1.45 where passes three and four alone gave ×1.11. Run it on a quiet machine: the garbage collector's idle-time
 * work runs on timers, and a run beside other valgrind jobs gave ×1.6 steady where a quiet run just after gave ×1.24.
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

export type InstructionResult =
  | { skipped: string }
  | {
      slice: { bytes: number; packets: number };
      engine: { once: number; thrice: number; fiveTimes: number };
      threats: { once: number; thrice: number; fiveTimes: number };
      firstPass: number;
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
  const [engineOnce, threatsOnce] = await Promise.all([
    instructions(child, slice, 'engine', 1),
    instructions(child, slice, 'threats', 1),
  ]);
  const [engineThrice, threatsThrice] = await Promise.all([
    instructions(child, slice, 'engine', 3),
    instructions(child, slice, 'threats', 3),
  ]);
  const [engineFive, threatsFive] = await Promise.all([
    instructions(child, slice, 'engine', 5),
    instructions(child, slice, 'threats', 5),
  ]);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    slice: { bytes: statSync(slice).size, packets },
    engine: { once: engineOnce, thrice: engineThrice, fiveTimes: engineFive },
    threats: { once: threatsOnce, thrice: threatsThrice, fiveTimes: threatsFive },
    firstPass: round(threatsOnce / engineOnce),
    steady: round((threatsFive - threatsThrice) / (engineFive - engineThrice)),
  };
};
