/** Runs one policy's rule (a built-in check or a CEL expression) on an object and returns its issues. */
import type { CheckContext, CheckIssue } from '../checks/check.ts';
import type { KubeObject } from '../checks/fields.ts';
import { podViewOf } from '../checks/pod-view.ts';
import type { LoadedPolicy, PolicyRule } from '../policy/loaded-policy.ts';
import { toCelValue } from '../policy/to-cel-value.ts';

export type RuleOutcome = { applicable: false; note: string } | { applicable: true; issues: CheckIssue[] };

type CelRule = Extract<PolicyRule, { type: 'cel' }>;

const runCel = (
  rule: CelRule,
  object: KubeObject,
  oldObject: KubeObject | undefined,
  context: CheckContext,
): RuleOutcome => {
  const view = podViewOf(object);
  if (rule.scope === 'pod' && view === undefined) return { applicable: false, note: 'no pod template' };
  // toCelValue wraps, it does not copy: each field is converted only if the expression reads it.
  const outcome = rule.cel.evaluate({
    object: toCelValue(object),
    oldObject: oldObject === undefined ? null : toCelValue(oldObject),
    podSpec: view === undefined ? null : toCelValue(view.spec),
    podMetadata: view === undefined ? null : toCelValue(view.metadata),
    namespaceName: context.namespace ?? '',
  });
  if (outcome.result === 'pass') return { applicable: true, issues: [] };
  const base = rule.scope === 'pod' && view !== undefined ? view.specPath : '';
  const path = [base, rule.path].filter((part) => part !== '').join('.');
  const error = outcome.result === 'error';
  return {
    applicable: true,
    issues: [
      {
        code: error ? 'cel-error' : 'cel-false',
        path,
        message: error ? `${rule.message} (the expression failed: ${outcome.message})` : rule.message,
        value: error ? 'unknown' : 'expression was false',
        allowed: rule.cel.expression,
        fix: rule.fix ?? rule.message,
      },
    ],
  };
};

export const runRule = (
  policy: LoadedPolicy,
  object: KubeObject,
  oldObject: KubeObject | undefined,
  context: CheckContext,
): RuleOutcome => {
  const { rule } = policy;
  if (rule.type === 'cel') return runCel(rule, object, oldObject, context);
  const { check, params } = rule;
  if (check.applies !== undefined && !check.applies(params)) {
    return { applicable: false, note: 'the check does not exist at the pinned Pod Security version' };
  }
  if (check.target === 'object') return { applicable: true, issues: check.evaluate(object, params, context) };
  const view = podViewOf(object);
  if (view === undefined) return { applicable: false, note: 'no pod template' };
  return { applicable: true, issues: check.evaluate(view, params, context) };
};
