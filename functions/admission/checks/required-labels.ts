/** Objects must carry the configured labels, optionally matching a pattern. */
import { z } from 'zod';
import { defineObjectCheck } from './check.ts';
import { asObject, asStringMap } from './fields.ts';

const params = z
  .object({
    labels: z
      .array(
        z
          .object({
            key: z.string().min(1),
            pattern: z
              .string()
              .refine((p) => {
                try {
                  new RegExp(p);
                  return true;
                } catch {
                  return false;
                }
              }, 'must be a valid regular expression')
              .optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const requiredLabels = defineObjectCheck({
  id: 'requiredLabels',
  summary: 'Objects must carry the required labels',
  kinds: ['*'],
  params,
  evaluate: (object, { labels }) => {
    const present = asStringMap(asObject(object.metadata).labels);
    return labels.flatMap(({ key, pattern }) => {
      const value = present[key];
      if (value !== undefined && (pattern === undefined || new RegExp(pattern).test(value))) return [];
      return [
        {
          code: value === undefined ? 'missing-label' : 'label-pattern',
          path: `metadata.labels[${JSON.stringify(key)}]`,
          message:
            value === undefined
              ? `label ${key} is required`
              : `label ${key}=${value} does not match /${pattern}/`,
          value: value === undefined ? 'unset' : JSON.stringify(value),
          allowed: pattern === undefined ? 'any value' : `/${pattern}/`,
          fix: `add metadata.labels.${key}`,
        },
      ];
    });
  },
});
