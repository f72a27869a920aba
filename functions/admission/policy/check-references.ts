/** Cross-file checks of a policy set: duplicate policy names, exceptions naming policies or checks that do not exist. */
import { checks } from '../checks/index.ts';
import type { LoadedException, LoadedPolicySet, PolicyProblem } from './loaded-policy.ts';
import { nameMatches } from './name-pattern.ts';

const duplicates = (set: Omit<LoadedPolicySet, 'problems'>): PolicyProblem[] => {
  const seen = new Map<string, string>();
  return set.policies.flatMap((policy) => {
    const first = seen.get(policy.name);
    if (first === undefined) {
      seen.set(policy.name, policy.file);
      return [];
    }
    return [{ file: policy.file, message: `policy ${policy.name} is also defined in ${first}` }];
  });
};

const danglingReferences = (
  exception: LoadedException,
  set: Omit<LoadedPolicySet, 'problems'>,
): PolicyProblem[] => [
  ...exception.policies
    .filter((pattern) => !set.policies.some((policy) => nameMatches(pattern, policy.name)))
    .map((pattern) => ({
      file: exception.file,
      message: `exception ${exception.name} names unknown policy ${pattern}`,
    })),
  ...exception.checks
    .filter((id) => id !== 'cel' && !checks.some((check) => check.id === id))
    .map((id) => ({
      file: exception.file,
      message: `exception ${exception.name} names unknown check ${id}`,
    })),
];

export const checkReferences = (set: Omit<LoadedPolicySet, 'problems'>): PolicyProblem[] => [
  ...duplicates(set),
  ...set.exceptions.flatMap((exception) => danglingReferences(exception, set)),
];
