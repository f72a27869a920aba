/** The PolicyException file format (meshward.io/v1): named workloads exempt from named policies or checks. */
import { z } from 'zod';

export const workloadRefSchema = z
  .object({
    kind: z.string().min(1).optional(),
    /** Namespace name; `*` wildcards allowed. */
    namespace: z.string().min(1),
    /** Workload name; `*` wildcards allowed. Pods match through their owning workload's name. */
    name: z.string().min(1),
  })
  .strict();
export type WorkloadRef = z.infer<typeof workloadRefSchema>;

export const policyExceptionSchema = z
  .object({
    apiVersion: z.literal('meshward.io/v1'),
    kind: z.literal('PolicyException'),
    metadata: z.object({ name: z.string().min(1).max(253) }).strict(),
    spec: z
      .object({
        /** Policy names (`*` wildcards allowed). */
        policies: z.array(z.string().min(1)).optional(),
        /** Check ids (e.g. `privileged`), whichever policy uses them. */
        checks: z.array(z.string().min(1)).optional(),
        workloads: z.array(workloadRefSchema).min(1),
        reason: z.string().min(1),
        owner: z.string().min(1),
        /** RFC 3339 time after which the exception no longer applies. */
        expires: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .refine((spec) => (spec.policies?.length ?? 0) + (spec.checks?.length ?? 0) > 0, {
        message: 'name at least one policy or check to exempt from',
      }),
  })
  .strict();
export type PolicyExceptionDocument = z.infer<typeof policyExceptionSchema>;
