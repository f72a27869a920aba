/** The schema of a response rule file (`policies/response/<id>.yaml`): what it matches, what it does, how often. */
import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';

const names = z.array(z.string().min(1)).min(1);

export const ruleMatchSchema = z.strictObject({
  /** Finding types: threat, violation, admission, … */
  types: z.array(z.enum(['threat', 'violation', 'admission', 'flow', 'capture', 'heartbeat'])).min(1),
  /** Threat ids (`dns-tunnel`, `sql-injection`, …); threats only. */
  threats: names.optional(),
  /** At least this severity. */
  minSeverity: severitySchema.optional(),
  /** Namespaces, exactly; `!name` excludes one. */
  namespaces: names.optional(),
  /** Groups as `namespace/name`. */
  groups: names.optional(),
  /** Group labels that must all be equal. */
  labels: z.record(z.string(), z.string()).optional(),
  /** Enforcement modes (violations). */
  modes: z
    .array(z.enum(['discover', 'monitor', 'protect']))
    .min(1)
    .optional(),
});

export const ruleStepSchema = z.strictObject({
  action: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Carry on with the next action when this one fails. */
  ignoreErrors: z.boolean().default(false),
  /** Plan but do not apply this action. */
  dryRun: z.boolean().default(false),
});

export const responseRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, as the file name'),
  description: z.string().min(1),
  /** Lower runs first; ties by id. */
  order: z.number().int().default(100),
  match: ruleMatchSchema,
  actions: z.array(ruleStepSchema).min(1),
  /** Also evaluate the rules after this one when it matches. */
  continue: z.boolean().default(false),
  /** Plan every action, apply none. */
  dryRun: z.boolean().default(false),
  /** At most `max` runs per `perSeconds`; beyond it only alerts run (and count the repeats). */
  rateLimit: z.strictObject({ max: z.number().int().min(1), perSeconds: z.number().int().min(1) }).optional(),
  /** The same alert labels within the window run once; repeats only count in the alert. */
  dedupe: z
    .strictObject({
      windowSeconds: z.number().int().min(1),
      by: z.array(z.string().min(1)).min(1).default(['namespace', 'group', 'threat', 'peer']),
    })
    .optional(),
});
export type ResponseRule = z.infer<typeof responseRuleSchema>;
export type RuleStep = z.infer<typeof ruleStepSchema>;
