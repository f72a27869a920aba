/** Runs a capture byte stream (a file, `tcpdump -U -w -` stdout) through the engine, yielding findings as flows end. */
import type { Finding } from '#core/finding.ts';
import type { CaptureProblem } from '../capture/capture-problem.ts';
import { streamCapture } from '../capture/stream-capture.ts';
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

export async function* inspectStream(
  source: AsyncIterable<Uint8Array>,
  options: InspectOptions = {},
): AsyncGenerator<InspectUpdate> {
  const engine = createEngine(options);
  const every = options.reportEveryMs ?? 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  let offset = 0;
  for await (const batch of streamCapture(source)) {
    let now = lastReport;
    for (const record of batch.records) {
      engine.push(record);
      now = record.ts;
    }
    offset = batch.offset;
    options.onProgress?.(offset);
    const due = every > 0 && now - lastReport >= every;
    if (due) lastReport = now;
    if (due || batch.problems.length > 0) {
      yield { findings: due ? engine.flush(now) : [], problems: batch.problems, offset, done: false, engine };
    }
  }
  yield { findings: engine.flush(), problems: [], offset, done: true, engine };
}
