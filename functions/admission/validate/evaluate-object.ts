/** Evaluates every matching policy on one object, honouring exceptions and their expiry: shared by webhook, CLI and audit. */
import type { KubeObject } from '../checks/fields.ts';
import { exceptionFor } from '../policy/exception-for.ts';
import { type LoadedPolicy, type LoadedPolicySet, ruleId } from '../policy/loaded-policy.ts';
import { policyApplies } from '../policy/policy-applies.ts';
import type { PolicyTarget } from '../policy/policy-target.ts';
import { runRule } from './run-rule.ts';
import { targetOf } from './target-of.ts';
import type { Verdict } from './verdict.ts';

export type EvaluationContext = {
  now: Date;
  /** The request's namespace; falls back to the object's metadata.namespace. */
  namespace?: string;
  namespaceLabels?: Record<string, string>;
  oldObject?: KubeObject;
};

const verdictFor = (
  policy: LoadedPolicy,
  object: KubeObject,
  target: PolicyTarget,
  set: LoadedPolicySet,
  context: EvaluationContext,
): Verdict => {
  const check = ruleId(policy);
  const checkContext = target.namespace === undefined ? {} : { namespace: target.namespace };
  const outcome = runRule(policy, object, context.oldObject, {
    ...checkContext,
    ...(target.namespaceLabels === undefined ? {} : { namespaceLabels: target.namespaceLabels }),
  });
  if (!outcome.applicable) return { policy, check, result: 'skip', issues: [], note: outcome.note };
  if (outcome.issues.length === 0) return { policy, check, result: 'pass', issues: [] };
  const match = exceptionFor(set.exceptions, policy, target, context.now);
  if (match === undefined) return { policy, check, result: 'fail', issues: outcome.issues };
  const { exception } = match;
  if (match.expired) {
    const note = `PolicyException ${exception.name} expired at ${exception.expires?.toISOString()}`;
    return { policy, check, result: 'fail', issues: outcome.issues, note };
  }
  const note = `exempted by PolicyException ${exception.name} (owner ${exception.owner}: ${exception.reason})`;
  return { policy, check, result: 'skip', issues: outcome.issues, note };
};

export const evaluateObject = (
  object: KubeObject,
  set: LoadedPolicySet,
  context: EvaluationContext,
): Verdict[] => {
  const target = targetOf(object, context.namespace, context.namespaceLabels);
  return set.policies
    .filter((policy) => policyApplies(policy, target))
    .map((policy) => verdictFor(policy, object, target, set, context));
};
