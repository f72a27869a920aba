/** A problem found while reading a capture, with the byte offset where it starts. */

export type CaptureProblem = {
  offset: number;
  reason: string;
  /** Fatal: nothing after the offset could be read. Otherwise the reader skipped ahead and kept going. */
  fatal: boolean;
};

/** Where records and problems go as a capture format parses bytes. */
export type CaptureSink = {
  record(ts: number, linkType: number, data: Uint8Array, originalLength: number, offset: number): void;
  problem(problem: CaptureProblem): void;
};

/** A capture file format, parsed incrementally: `parse` reads whole records from `bytes` (at file offset `base`). */
export type CaptureFormat = {
  /** Returns how many bytes were consumed; the caller keeps the rest and calls again with more appended. */
  parse(bytes: Uint8Array, base: number, sink: CaptureSink): number;
  /** Called at end of input with the unconsumed bytes; reports what was left unread. */
  end(rest: Uint8Array, base: number, sink: CaptureSink): void;
};

export const describeProblem = (source: string, problem: CaptureProblem): string =>
  `${source}: byte offset ${problem.offset}: ${problem.reason}`;
