/** Kubernetes label selectors (matchLabels and matchExpressions), as schema and matcher. */
import { z } from 'zod';

export const labelSelectorSchema = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: z.string().min(1),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string()).optional(),
          })
          .strict()
          .refine(
            (e) =>
              (e.operator === 'In' || e.operator === 'NotIn') ===
              (e.values !== undefined && e.values.length > 0),
            { message: 'In and NotIn need values; Exists and DoesNotExist take none' },
          ),
      )
      .optional(),
  })
  .strict();
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

export const selectorMatches = (selector: LabelSelector, labels: Record<string, string>): boolean => {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === 'Exists') return value !== undefined;
    if (operator === 'DoesNotExist') return value === undefined;
    if (operator === 'In') return value !== undefined && values.includes(value);
    return value === undefined || !values.includes(value);
  });
};
