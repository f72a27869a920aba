/**
 * The engine against nDPI in instructions executed rather than CPU time (bench/instruction-count.ts says why): both
 * read the whole synthetic capture, meshward as the tap's bundle under V8 `--predictable`, nDPI as `ndpiReader -i`.
 * - Whole process: what each costs from exec to exit, one pass over the capture.
 * - First pass: the whole process less the same process on a capture with no packets (startup: Node's own boot and
 *   loading the bundle; nDPI's protocol tables), so neither is charged for starting.
 * - Steady state: the third pass in one process (meshward's `--passes`, `ndpiReader -l`), counted as three passes
 *   less two; by then the JIT has compiled the hot code, though not yet the warm code.
 * - Settled: passes 17 to 24 on the first 64 MiB (settled-instructions.ts), a tap long after warm-up.
 * Instructions are not cycles (the two run different code), but on this capture the first-pass instruction ratio and
 * the CPU-time ratio of `inspect-throughput` agree to a few hundredths. nDPI's count repeats exactly; meshward's
 * within 1% on a quiet machine (two runs side by side: 10.15 and 10.21 G), but on a busy one its garbage collector,
 * whose idle-time work runs on timers, executed 7% more (10.86 G while CI ran). Run it on a quiet machine.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pcapFileHeader } from '#sidecar/pcap/pcap-writer.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { buildChild, ensureCapture } from './inspect-throughput.bench.ts';
import { categorize, type InstructionCategories } from './instruction-categories.ts';
import { childInstructions, countInstructions, valgrindAvailable } from './instruction-count.ts';
import { type SettledResult, settledInstructions } from './settled-instructions.ts';

const run = promisify(execFile);
const work = join(import.meta.dirname, 'work');
const root = join(import.meta.dirname, '..');

export type Counts = { empty: number; once: number; twice: number; thrice: number };

export type EngineInstructionResult =
  | { skipped: string }
  | {
      capture: { bytes: number; packets: number };
      ours: Counts;
      ndpi: Counts;
      /** nDPI ÷ meshward (≥ 1: meshward executes no more instructions than nDPI). */
      ratios: { wholeProcess: number; firstPass: number; steady: number };
      /** meshward's instructions by category (instruction-categories.ts): one pass, and three passes. */
      categories: { once: InstructionCategories; thrice: InstructionCategories };
      /** Passes 17-24 on the first 64 MiB: a tap long after warm-up (settled-instructions.ts). */
      settled: SettledResult;
    };

/** A classic pcap of Ethernet with no packets: its file header alone. */
const emptyCapture = (): string => {
  const file = join(work, 'empty.pcap');
  writeFileSync(file, pcapFileHeader(1));
  return file;
};

const ndpiInstructions = (file: string, loops: number) =>
  countInstructions('ndpiReader', ['-i', file, '-l', String(loops)], root);

const missing = async (): Promise<string | undefined> => {
  if (!(await valgrindAvailable())) return 'valgrind is not installed (apt-get install valgrind)';
  if (!ndpiAvailable()) return 'ndpiReader is not installed (apt-get install libndpi-bin)';
  try {
    await run(process.execPath, ['--predictable', '-e', '0']);
  } catch {
    return 'this Node does not accept --predictable';
  }
  return undefined;
};

export const runEngineInstructions = async (): Promise<EngineInstructionResult> => {
  const why = await missing();
  if (why !== undefined) return { skipped: why };
  const file = join(work, 'synthetic.pcap');
  const capture = await ensureCapture(file);
  const empty = emptyCapture();
  const child = await buildChild();
  const ours = (path: string, passes: number, keep?: string) =>
    childInstructions(child, path, 'engine', passes, root, keep);
  const keepOnce = join(work, 'cachegrind-engine-1.out');
  const keepThrice = join(work, 'cachegrind-engine-3.out');
  // Two at a time, a core each: meshward's count grows when it has to wait for a core (see above).
  const [oursEmpty, ndpiEmpty] = await Promise.all([ours(empty, 1), ndpiInstructions(empty, 1)]);
  const [oursOnce, ndpiOnce] = await Promise.all([ours(file, 1, keepOnce), ndpiInstructions(file, 1)]);
  const [ndpiTwice, ndpiThrice] = await Promise.all([ndpiInstructions(file, 2), ndpiInstructions(file, 3)]);
  const [oursTwice, oursThrice] = await Promise.all([ours(file, 2), ours(file, 3, keepThrice)]);
  const round = (x: number) => Math.round(x * 100) / 100;
  const o: Counts = { empty: oursEmpty, once: oursOnce, twice: oursTwice, thrice: oursThrice };
  const n: Counts = { empty: ndpiEmpty, once: ndpiOnce, twice: ndpiTwice, thrice: ndpiThrice };
  return {
    capture: { bytes: capture.bytes, packets: capture.packets },
    ours: o,
    ndpi: n,
    ratios: {
      wholeProcess: round(n.once / o.once),
      firstPass: round((n.once - n.empty) / (o.once - o.empty)),
      steady: round((n.thrice - n.twice) / (o.thrice - o.twice)),
    },
    categories: { once: await categorize(keepOnce), thrice: await categorize(keepThrice) },
    settled: await settledInstructions(child, file, work, root),
  };
};
