/** Runs a capture byte stream (a file, `tcpdump -U -w -` stdout) through the engine, yielding findings as flows end. */
import type { Finding } from '#core/finding.ts';
import { createCaptureParser } from '../capture/capture-parser.ts';
import type { CaptureProblem } from '../capture/capture-problem.ts';
import type { PacketRecord } from '../capture/packet-record.ts';
import { createEngine, type Engine, type EngineOptions } from './create-engine.ts';

export type InspectOptions = EngineOptions & {
  /** Capture-time interval at which ended flows are reported while reading (live captures); 0 = only at the end. */
  reportEveryMs?: number;
  /** Called after each chunk with the bytes consumed so far. */
  onProgress?(bytesRead: number): void;
};

export type InspectUpdate = {
  findings: Finding[];
  problems: CaptureProblem[];
  /** Bytes of the capture consumed so far. */
  offset: number;
  /** The last update: the capture is over and every flow was reported. */
  done: boolean;
  engine: Engine;
};

/**
 * Records go from the capture parser straight into the engine through one reused record object: the engine keeps
 * nothing of a record past its `push`, and an object plus an array slot per packet was young-generation churn.
 */
export async function* inspectStream(
  source: AsyncIterable<Uint8Array>,
  options: InspectOptions = {},
): AsyncGenerator<InspectUpdate> {
  const engine = createEngine(options);
  const every = options.reportEveryMs ?? 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  let now = lastReport;
  let problems: CaptureProblem[] = [];
  const record: PacketRecord = { ts: 0, linkType: 0, data: new Uint8Array(0), originalLength: 0, offset: 0 };
  const parser = createCaptureParser({
    record: (ts, linkType, data, originalLength, offset) => {
      record.ts = ts;
      record.linkType = linkType;
      record.data = data;
      record.originalLength = originalLength;
      record.offset = offset;
      engine.push(record);
      now = ts;
    },
    problem: (problem) => {
      problems.push(problem);
    },
  });
  /** An update while reading: ended flows when a report is due, and the problems met since the last one. */
  const update = (): InspectUpdate | undefined => {
    const due = every > 0 && now - lastReport >= every;
    if (due) lastReport = now;
    if (!due && problems.length === 0) return undefined;
    const out = {
      findings: due ? engine.flush(now) : [],
      problems,
      offset: parser.offset,
      done: false,
      engine,
    };
    problems = [];
    return out;
  };
  for await (const chunk of source) {
    parser.push(chunk);
    // Not a capture (a fatal problem at its start): reading the rest of a large file would only cost time.
    if (parser.stopped) break;
    options.onProgress?.(parser.offset);
    const due = update();
    if (due !== undefined) yield due;
  }
  parser.end();
  const last = problems.length > 0 ? update() : undefined;
  if (last !== undefined) yield last;
  yield { findings: engine.flush(), problems: [], offset: parser.offset, done: true, engine };
}
