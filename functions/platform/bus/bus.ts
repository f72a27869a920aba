/** The bus seam: ingest publishes each stored batch; learn (and respond) consume it, in-process or via SQS. */
import { z } from 'zod';
import { findingSchema } from '#core/finding.ts';
import { podRefSchema } from '#core/workload.ts';

export const batchMessageSchema = z.object({
  type: z.literal('batch'),
  batchId: z.string().min(1),
  pod: podRefSchema,
  receivedAt: z.string(),
  /** Inline when small; absent when too large for the transport, in which case consumers read the store. */
  findings: z.array(findingSchema).optional(),
});
export type BatchMessage = z.infer<typeof batchMessageSchema>;

export const busMessageSchema = z.discriminatedUnion('type', [batchMessageSchema]);
export type BusMessage = z.infer<typeof busMessageSchema>;

export type BusHandler = (message: BusMessage) => Promise<void>;

export type Bus = {
  publish(message: BusMessage): Promise<void>;
};
