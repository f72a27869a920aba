/** The learner's options, with sensible defaults: grouping, expiry, templating thresholds, mode progression. */
import { z } from 'zod';
import { modeSchema } from '#core/mode.ts';

export const learnConfigSchema = z.object({
  /** Group pods by this label's value instead of their controller (e.g. `app`: reviews v1/v2/v3 → reviews). */
  groupByLabel: z.string().min(1).optional(),
  /** Mode of a group seen for the first time. */
  defaultMode: modeSchema.default('discover'),
  /**
   * How long a pod IP stays attributed to its pod after the pod's last heartbeat: three of the tap's default
   * 30 s heartbeats. Shorter than the time a CNI takes to hand a freed IP to a new pod in practice, so a
   * reused IP is not attributed to its previous pod; a pod whose tap falls silent is an address until it
   * speaks again (its address rules are then dropped and relearned by identity).
   */
  ipTtlSeconds: z.number().int().min(1).default(90),
  /** Distinct ports between one pair (same transport and protocol) from which they collapse to a range rule. */
  portRangeThreshold: z.number().int().min(2).default(8),
  /** Sibling path segments of one shape from which they become a `{param}` template segment. */
  pathParamMinSiblings: z.number().int().min(2).default(4),
  /** Distinct literal siblings from which they become `{param}` whatever their shape. */
  pathLiteralMax: z.number().int().min(2).default(32),
  /** Most path templates and DNS names one rule keeps (beyond it, templates are collapsed harder). */
  maxPathsPerRule: z.number().int().min(1).default(64),
  maxDnsNamesPerRule: z.number().int().min(1).default(128),
  /** Automatic mode progression; absent means modes only change when someone changes them. */
  autoProgress: z
    .object({
      /** discover → monitor once no rule was learned or widened for this long. */
      discoverQuietSeconds: z.number().int().min(1).default(86_400),
      /** monitor → protect once no violation was raised for this long (any violation restarts the clock). */
      monitorCleanSeconds: z
        .number()
        .int()
        .min(1)
        .default(7 * 86_400),
    })
    .optional(),
});
export type LearnConfig = z.infer<typeof learnConfigSchema>;

export const defaultLearnConfig: LearnConfig = learnConfigSchema.parse({});
