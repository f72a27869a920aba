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
  // Converting a whole object for CEL is the expensive part: convert only what the expression reads, once.
  const lazy = (read: () => unknown) => {
    let value: unknown;
    let done = false;
    return () => {
      if (!done) value = read();
      done = true;
      return value;
    };
  };
  const celObject = lazy(() => toCelValue(object));
  const celOld = lazy(() => (oldObject === undefined ? null : toCelValue(oldObject)));
  const celSpec = lazy(() => (view === undefined ? null : toCelValue(view.spec)));
  const celMetadata = lazy(() => (view === undefined ? null : toCelValue(view.metadata)));
  const outcome = rule.cel.evaluate({
    get object() {
      return celObject();
    },
    get oldObject() {
      return celOld();
    },
    get podSpec() {
      return celSpec();
    },
    get podMetadata() {
      return celMetadata();
    },
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
