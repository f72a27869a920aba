/** A finding as the response path sees it: the finding, its id, and where it came from (namespace, group, pod, labels). */
import { z } from 'zod';
import { findingSchema } from '#core/finding.ts';
import { podRefSchema } from '#core/workload.ts';

export const responseFindingSchema = z.object({
  id: z.string().min(1),
  namespace: z.string().min(1),
  group: z.string().optional(),
  pod: podRefSchema.optional(),
  /** The group's labels, for rules that match on them. */
  labels: z.record(z.string(), z.string()).optional(),
  finding: findingSchema,
});
export type ResponseFinding = z.infer<typeof responseFindingSchema>;
