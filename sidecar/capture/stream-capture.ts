/** Reads a capture from a byte stream (a file stream, `tcpdump -U -w -` stdout) in batches; records may span chunks. */
import type { CaptureBatch } from './capture-batch.ts';
import { createCaptureParser } from './capture-parser.ts';
import type { CaptureProblem } from './capture-problem.ts';
import type { PacketRecord } from './packet-record.ts';

export async function* streamCapture(source: AsyncIterable<Uint8Array>): AsyncGenerator<CaptureBatch> {
  let records: PacketRecord[] = [];
  let problems: CaptureProblem[] = [];
  const parser = createCaptureParser({
    record: (ts, linkType, data, originalLength, offset) => {
      records.push({ ts, linkType, data, originalLength, offset });
    },
    problem: (problem) => {
      problems.push(problem);
    },
  });
  for await (const chunk of source) {
    parser.push(chunk);
    if (records.length > 0 || problems.length > 0) {
      yield { records, problems, offset: parser.offset };
      records = [];
      problems = [];
    }
  }
  parser.end();
  if (records.length > 0 || problems.length > 0) yield { records, problems, offset: parser.offset };
}
