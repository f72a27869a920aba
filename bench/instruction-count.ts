/**
 * Counting machine instructions instead of timing: the shared 2-core machine's speed swings two- to four-fold from
 * one minute to the next, and CPU-time ratios with it. Valgrind's cachegrind counts the instructions every thread of
 * a process executes (for Node, V8's compilers and garbage collector included); V8's `--predictable` makes Node's
 * count repeat. Used by the threat-instructions and engine-instructions benchmarks.
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

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

/** The instruction benchmarks' slice: the first 64 MiB of the capture `full`, cut afresh to `synthetic-slice.pcap`. */
export const benchSlice = (full: string, work: string): { path: string; bytes: number; packets: number } => {
  const path = join(work, 'synthetic-slice.pcap');
  const packets = sliceCapture(full, path, 64 * 1024 * 1024);
  return { path, bytes: statSync(path).size, packets };
};

/** True when valgrind runs here. */
export const valgrindAvailable = async (): Promise<boolean> => {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
};

/**
 * Instructions `command args` executed, all threads, under cachegrind (no cache simulation); `keep`: a file for
 * cachegrind's per-function counts (see instruction-categories.ts).
 */
export const countInstructions = async (
  command: string,
  args: string[],
  cwd?: string,
  keep = '/dev/null',
): Promise<number> => {
  const tool = ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${keep}`];
  const { stderr } = await run('valgrind', [...tool, command, ...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (refs === null)
    throw new Error(
      `cachegrind printed no instruction count for ${command} ${args.join(' ')}: ${stderr.slice(-400)}`,
    );
  return Number((refs[1] as string).replaceAll(',', ''));
};

/**
 * Instructions the inspect child executed over `passes` passes of `mode` on `file` (V8 `--predictable`); `extra`:
 * more of the child's flags (`--continuous`).
 */
export const childInstructions = (
  child: string,
  file: string,
  mode: string,
  passes: number,
  cwd?: string,
  keep?: string,
  extra: readonly string[] = [],
): Promise<number> =>
  countInstructions(
    process.execPath,
    ['--predictable', child, file, mode, '--passes', String(passes), ...extra],
    cwd,
    keep,
  );

/** An instruction count in billions, two decimals (the reports' unit). */
export const billions = (count: number): string => (count / 1e9).toFixed(2);
