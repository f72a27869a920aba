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
};

const pickFormat = (bytes: Uint8Array): CaptureFormat | undefined => {
  if (isPcapMagic(bytes)) return createPcapFormat();
  if (isPcapngMagic(bytes)) return createPcapngFormat();
  return undefined;
};

const concat = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left, 0);
  joined.set(right, left.length);
  return joined;
};

export const createCaptureParser = (sink: CaptureSink): CaptureParser => {
  let format: CaptureFormat | undefined;
  let stopped = false;
  let pending: Uint8Array = new Uint8Array(0);
  let base = 0;
  let problems = 0;
  const counted: CaptureSink = {
    record: sink.record,
    problem(problem) {
      problems += 1;
      if (problems <= maxProblems || problem.fatal) sink.problem(problem);
    },
  };

  return {
    get offset() {
      return base;
    },
    push(chunk) {
      if (stopped || chunk.length === 0) return;
      const bytes = pending.length === 0 ? chunk : concat(pending, chunk);
      if (format === undefined) {
        if (bytes.length < 4) {
          pending = bytes.slice();
          return;
        }
        format = pickFormat(bytes);
        if (format === undefined) {
          stopped = true;
          counted.problem({
            offset: 0,
            reason: `not a pcap or pcapng file (starts with ${toHex(bytes, 8)})`,
            fatal: true,
          });
          return;
        }
      }
      const used = format.parse(bytes, base, counted);
      base += used;
      pending = bytes.subarray(used);
    },
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
