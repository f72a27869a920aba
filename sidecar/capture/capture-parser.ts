/** Incremental capture reader: picks pcap or pcapng from the magic and turns byte chunks split anywhere into records. */
import { toHex } from '../decode/byte-reader.ts';
import type { CaptureFormat, CaptureSink } from './capture-problem.ts';
import { createPcapFormat, isPcapMagic } from './pcap-format.ts';
import { createPcapngFormat, isPcapngMagic } from './pcapng-format.ts';

/** Past this many problems in one capture, only a count is kept (a corrupt file cannot flood the caller). */
const maxProblems = 100;

export type CaptureParser = {
  push(chunk: Uint8Array): void;
  end(): void;
  /** Bytes consumed so far. */
  readonly offset: number;
  /** Nothing more can be read (the bytes are not a capture): the caller may stop feeding it. */
  readonly stopped: boolean;
};

const pickFormat = (bytes: Uint8Array): CaptureFormat | undefined => {
  if (isPcapMagic(bytes)) return createPcapFormat();
  if (isPcapngMagic(bytes)) return createPcapngFormat();
  return undefined;
};

/**
 * Bytes of a new chunk first joined to the unparsed tail of the last one: enough for a record of an Ethernet-sized
 * frame. A longer record (a loopback or GRO capture's 64 KiB frames) grows the bridge eightfold until it fits.
 */
const firstBridge = 2048;
const bridgeGrowth = 8;

const noBytes = new Uint8Array(0);

/** A plain Uint8Array view: Buffer's subarray goes through a slower species constructor, once per record. */
const plain = (chunk: Uint8Array): Uint8Array =>
  Object.getPrototypeOf(chunk) === Uint8Array.prototype
    ? chunk
    : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);

const concat = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left, 0);
  joined.set(right, left.length);
  return joined;
};

export const createCaptureParser = (sink: CaptureSink): CaptureParser => {
  let format: CaptureFormat | undefined;
  let stopped = false;
  let pending: Uint8Array = noBytes;
  let base = 0;
  let problems = 0;
  const counted: CaptureSink = {
    record: sink.record,
    problem(problem) {
      problems += 1;
      if (problems <= maxProblems || problem.fatal) sink.problem(problem);
    },
  };

  /**
   * Parses across the boundary on a small joined copy, then goes on in the chunk itself (no copy of whole chunks):
   * the copy grows only while the record that straddles the boundary is not complete in it. Returns what is left of
   * the chunk to parse, or undefined when the bridge took all of it.
   */
  const acrossBoundary = (active: CaptureFormat, chunk: Uint8Array): Uint8Array | undefined => {
    for (let size = firstBridge; ; size *= bridgeGrowth) {
      const take = Math.min(chunk.length, size);
      const bridge = concat(pending, chunk.subarray(0, take));
      const held = pending.length;
      const used = active.parse(bridge, base, counted);
      base += used;
      if (take === chunk.length) {
        pending = bridge.subarray(used);
        return undefined;
      }
      if (used >= held) {
        pending = noBytes;
        return chunk.subarray(used - held);
      }
      // The straddling record (or a corrupt stretch's next valid header) needs more of the chunk.
      pending = bridge.subarray(used, held);
    }
  };

  /** Picks the format from the first bytes; false when the capture is not one we read. */
  const pick = (bytes: Uint8Array): boolean => {
    format = pickFormat(bytes);
    if (format !== undefined) return true;
    stopped = true;
    counted.problem({
      offset: 0,
      reason: `not a pcap or pcapng file (starts with ${toHex(bytes, 8)})`,
      fatal: true,
    });
    return false;
  };

  /** The bytes to parse now: the chunk, joined to what was left of the last one. */
  const join = (chunk: Uint8Array): Uint8Array | undefined => {
    if (pending.length === 0) return chunk;
    return format === undefined ? concat(pending, chunk) : acrossBoundary(format, chunk);
  };

  const push = (input: Uint8Array): void => {
    if (stopped || input.length === 0) return;
    const bytes = join(plain(input));
    if (bytes === undefined) return;
    if (format === undefined && bytes.length < 4) {
      pending = bytes.slice();
      return;
    }
    if (format === undefined && !pick(bytes)) return;
    const used = (format as CaptureFormat).parse(bytes, base, counted);
    base += used;
    pending = bytes.subarray(used);
  };

  return {
    get offset() {
      return base;
    },
    get stopped() {
      return stopped;
    },
    push,
    end() {
      if (stopped) return;
      stopped = true;
      if (format === undefined) {
        counted.problem({ offset: 0, reason: 'file too short to be a capture', fatal: true });
        return;
      }
      format.end(pending, base, counted);
      if (problems > maxProblems) {
        sink.problem({
          offset: base,
          reason: `${problems - maxProblems} more problems not listed`,
          fatal: false,
        });
      }
    },
  };
};
