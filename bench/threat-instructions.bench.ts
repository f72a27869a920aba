/**
 * What threat detection costs the engine, counted in machine instructions rather than timed: the shared 2-core
 * machine's speed swings by half from one minute to the next, and so do CPU-time ratios. Valgrind's cachegrind counts
 * the instructions every thread of the inspect child executes (V8's compiler and garbage collector included), and
 * V8's `--predictable` makes the count repeat: the engine's to a hundredth of a percent, with threat detection to about
 * 2% (measured twice each on one slice; something in the threat path still depends on time). Each count is taken on a
 * 64 MiB slice of the synthetic capture, for the engine alone and with threat detection: one pass (a fresh process,
 * JIT compilation included), and three and five passes in one process. Steady state is the fourth and fifth passes:
 * the second still compiles (more with threat detection, whose code is larger), and counting it put the steady ratio
 * at ×1.45 where passes three and four alone gave ×1.11.
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildChild, ensureCapture } from './inspect-throughput.bench.ts';

const run = promisify(execFile);
const work = join(import.meta.dirname, 'work');
const root = join(import.meta.dirname, '..');
const sliceBytes = 64 * 1024 * 1024;

/** The capture's first records, whole, up to `limit` bytes (classic pcap, either byte order). */
export const sliceCapture = (from: string, to: string, limit: number): number => {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  try {
    const header = Buffer.alloc(24);
    if (readSync(input, header, 0, 24, 0) !== 24) throw new Error(`${from}: shorter than a pcap header`);
    const magic = header.readUInt32LE(0);
    const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    if (!little && header.readUInt32BE(0) !== 0xa1b2c3d4 && header.readUInt32BE(0) !== 0xa1b23c4d)
      throw new Error(`${from}: not a classic pcap file (magic 0x${magic.toString(16)})`);
    writeSync(output, header);
    let at = 24;
    let packets = 0;
    const record = Buffer.alloc(16);
    const size = statSync(from).size;
    while (at + 16 <= size && at + 16 <= limit) {
      readSync(input, record, 0, 16, at);
      const length = little ? record.readUInt32LE(8) : record.readUInt32BE(8);
      if (at + 16 + length > limit || at + 16 + length > size) break;
      const body = Buffer.alloc(16 + length);
      readSync(input, body, 0, 16 + length, at);
      writeSync(output, body);
      at += 16 + length;
      packets += 1;
    }
    return packets;
  } finally {
    closeSync(input);
    closeSync(output);
  }
};

const valgrindAvailable = async (): Promise<boolean> => {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
};

/** Instructions the child executed over `passes` passes of `mode` on `file`. */
const instructions = async (child: string, file: string, mode: string, passes: number): Promise<number> => {
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];
  const node = [process.execPath, '--predictable', child, file, mode, '--passes', String(passes)];
  const { stderr } = await run('valgrind', [...args, ...node], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (refs === null)
    throw new Error(`cachegrind printed no instruction count for ${mode}: ${stderr.slice(-400)}`);
  return Number((refs[1] as string).replaceAll(',', ''));
};

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
