/** Decides whether a policy matches an object: kinds, namespaces, namespace and object selectors, minus excludes. */
import { podKinds } from '../checks/pod-view.ts';
import { selectorMatches } from './label-selector.ts';
import type { LoadedPolicy } from './loaded-policy.ts';
import { nameMatches } from './name-pattern.ts';
import type { ResourceFilter } from './policy-schema.ts';
import type { PolicyTarget } from './policy-target.ts';

/** Kinds a policy's rule can read at all: a pod check or pod-scoped CEL reads pod templates. */
const readableKinds = (policy: LoadedPolicy): readonly string[] => {
  const { rule } = policy;
  if (rule.type === 'cel') return rule.scope === 'pod' ? podKinds : ['*'];
  return rule.check.target === 'pod' ? podKinds : rule.check.kinds;
};

const kindIn = (kinds: readonly string[], kind: string): boolean =>
  kinds.includes('*') || kinds.includes(kind);

/** Every criterion the filter sets holds (an empty filter holds for everything). */
const filterHolds = (filter: ResourceFilter, target: PolicyTarget): boolean => {
  if (filter.kinds !== undefined && !kindIn(filter.kinds, target.kind)) return false;
  if (filter.namespaces !== undefined) {
    const { namespace } = target;
    if (namespace === undefined || !filter.namespaces.some((pattern) => nameMatches(pattern, namespace)))
      return false;
  }
  if (
    filter.namespaceSelector !== undefined &&
    !selectorMatches(filter.namespaceSelector, target.namespaceLabels ?? {})
  ) {
    return false;
  }
  return filter.selector === undefined || selectorMatches(filter.selector, target.labels);
};

export const policyApplies = (policy: LoadedPolicy, target: PolicyTarget): boolean => {
  if (!kindIn(readableKinds(policy), target.kind)) return false;
  if (policy.match !== undefined && !filterHolds(policy.match, target)) return false;
  return policy.exclude === undefined || !filterHolds(policy.exclude, target);
};
