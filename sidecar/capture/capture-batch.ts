/** What a capture reader returns: records in file order, and the problems met on the way. */
import type { CaptureProblem } from './capture-problem.ts';
import type { PacketRecord } from './packet-record.ts';

export type CaptureBatch = {
  records: PacketRecord[];
  problems: CaptureProblem[];
  /** Bytes of the capture consumed so far. */
  offset: number;
};
