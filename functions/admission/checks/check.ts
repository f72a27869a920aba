/** The policy-check seam: a check reads a pod view (or a whole object) and returns issues at real field paths. */
import type { z } from 'zod';
import type { KubeObject } from './fields.ts';
import type { PodView } from './pod-view.ts';

/** A zod-style issue, plus what the message needs to be actionable: the value, what is allowed, the fix. */
export type CheckIssue = {
  code: string;
  /** The real field path: `spec.jobTemplate.spec.template.spec.containers[1].securityContext.privileged`. */
  path: string;
  message: string;
  value: string;
  allowed: string;
  fix: string;
};

export type CheckContext = {
  namespace?: string;
  /** Labels of the object's namespace, when the caller knows them (an AdmissionReview does not carry them). */
  namespaceLabels?: Record<string, string>;
};

type CheckBase<P extends z.ZodType> = {
  id: string;
  summary: string;
  params: P;
  /** Pod Security Standards facts, for PSA checks only. */
  psa?: { level: 'baseline' | 'restricted'; overrides?: readonly string[] };
  /** False when the check has no implementation at the pinned version: the verdict is `skip`. */
  applies?(params: z.infer<P>): boolean;
};

export type PodCheck<P extends z.ZodType = z.ZodType> = CheckBase<P> & {
  target: 'pod';
  evaluate(view: PodView, params: z.infer<P>, context: CheckContext): CheckIssue[];
};

export type ObjectCheck<P extends z.ZodType = z.ZodType> = CheckBase<P> & {
  target: 'object';
  /** Kinds the check reads; `*` for every kind. */
  kinds: readonly string[];
  evaluate(object: KubeObject, params: z.infer<P>, context: CheckContext): CheckIssue[];
};

export type Check = PodCheck | ObjectCheck;

export const definePodCheck = <P extends z.ZodType>(check: Omit<PodCheck<P>, 'target'>): PodCheck<P> => ({
  ...check,
  target: 'pod',
});

export const defineObjectCheck = <P extends z.ZodType>(
  check: Omit<ObjectCheck<P>, 'target'>,
): ObjectCheck<P> => ({ ...check, target: 'object' });
