/** The AdmissionPolicy file format (meshward.io/v1), validated by zod at load time. */
import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';
import { labelSelectorSchema } from './label-selector.ts';

export const policyActions = ['enforce', 'warn', 'audit'] as const;
export type PolicyAction = (typeof policyActions)[number];

const kebab = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const resourceFilterSchema = z
  .object({
    /** Object kinds (`Deployment`, `Service`); omitted: every kind the check reads. */
    kinds: z.array(z.string().min(1)).min(1).optional(),
    /** Namespace names, `*` wildcards allowed. */
    namespaces: z.array(z.string().min(1)).min(1).optional(),
    namespaceSelector: labelSelectorSchema.optional(),
    /** Selector on the object's own labels. */
    selector: labelSelectorSchema.optional(),
  })
  .strict();
export type ResourceFilter = z.infer<typeof resourceFilterSchema>;

const checkRuleSchema = z
  .object({
    id: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

const celRuleSchema = z
  .object({
    expression: z.string().min(1),
    message: z.string().min(1),
    fix: z.string().min(1).optional(),
    /** `pod`: the expression reads podSpec/podMetadata and the policy applies to every kind with a pod template. */
    scope: z.enum(['object', 'pod']).default('object'),
    /** Field path the message points at, relative to the object (or to the pod spec with scope pod). */
    path: z.string().default(''),
  })
  .strict();

export const admissionPolicySchema = z
  .object({
    apiVersion: z.literal('meshward.io/v1'),
    kind: z.literal('AdmissionPolicy'),
    metadata: z
      .object({
        name: z.string().regex(kebab, 'must be lowercase letters, digits and "-"').max(63),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        title: z.string().min(1),
        description: z.string().min(1),
        severity: severitySchema,
        category: z.string().min(1),
        action: z.enum(policyActions),
        match: resourceFilterSchema.optional(),
        exclude: resourceFilterSchema.optional(),
        check: checkRuleSchema.optional(),
        cel: celRuleSchema.optional(),
      })
      .strict()
      .refine((spec) => (spec.check === undefined) !== (spec.cel === undefined), {
        message: 'set exactly one of check (a built-in check) or cel (an expression)',
      }),
  })
  .strict();
export type AdmissionPolicyDocument = z.infer<typeof admissionPolicySchema>;
