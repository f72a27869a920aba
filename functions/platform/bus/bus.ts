/** The bus seam: ingest publishes each stored batch to learn and respond; learn publishes the violations it raised to respond. */
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

/** Violations learn stored from one batch: ids only (respond reads them from the store), so it always fits. */
export const violationsMessageSchema = z.object({
  type: z.literal('violations'),
  batchId: z.string().min(1),
  /** The pod whose tap reported the batch. */
  pod: podRefSchema,
  receivedAt: z.string(),
  violationIds: z.array(z.string().min(1)).min(1),
});
export type ViolationsMessage = z.infer<typeof violationsMessageSchema>;

export const busMessageSchema = z.discriminatedUnion('type', [batchMessageSchema, violationsMessageSchema]);
export type BusMessage = z.infer<typeof busMessageSchema>;

/** Which consumers a message is for: a batch goes to learn and respond, violations to respond only. */
export const busConsumers = {
  batch: ['learn', 'respond'],
  violations: ['respond'],
} as const satisfies Record<BusMessage['type'], readonly ('learn' | 'respond')[]>;

export type BusHandler = (message: BusMessage) => Promise<void>;

export type Bus = {
  publish(message: BusMessage): Promise<void>;
};
