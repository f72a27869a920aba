/** Reads a whole capture held in memory (pcap or pcapng) into records and problems; never throws on bad bytes. */
import type { CaptureBatch } from './capture-batch.ts';
import { createCaptureParser } from './capture-parser.ts';
import type { CaptureProblem } from './capture-problem.ts';
import type { PacketRecord } from './packet-record.ts';

export const readCapture = (bytes: Uint8Array): CaptureBatch => {
  const records: PacketRecord[] = [];
  const problems: CaptureProblem[] = [];
  const parser = createCaptureParser({
    record: (ts, linkType, data, originalLength, offset) => {
      records.push({ ts, linkType, data, originalLength, offset });
    },
    problem: (problem) => {
      problems.push(problem);
    },
  });
  parser.push(bytes);
  parser.end();
  return { records, problems, offset: parser.offset };
};
