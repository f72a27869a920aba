/** Finds the PolicyException covering a policy verdict for an object, live or expired (expiry is honoured everywhere). */
import type { LoadedException, LoadedPolicy } from './loaded-policy.ts';
import { ruleId } from './loaded-policy.ts';
import { nameMatches } from './name-pattern.ts';
import type { PolicyTarget } from './policy-target.ts';

export type ExceptionMatch = { exception: LoadedException; expired: boolean };

const coversPolicy = (exception: LoadedException, policy: LoadedPolicy): boolean =>
  exception.policies.some((pattern) => nameMatches(pattern, policy.name)) ||
  exception.checks.includes(ruleId(policy));

const coversTarget = (exception: LoadedException, target: PolicyTarget): boolean =>
  exception.workloads.some(
    (workload) =>
      (workload.kind === undefined || workload.kind === target.kind || target.owners.length > 0) &&
      target.namespace !== undefined &&
      nameMatches(workload.namespace, target.namespace) &&
      [target.name, ...target.owners].some((name) => nameMatches(workload.name, name)),
  );

/** A live exception wins over an expired one; an expired one is still reported, so the denial can say why. */
export const exceptionFor = (
  exceptions: readonly LoadedException[],
  policy: LoadedPolicy,
  target: PolicyTarget,
  now: Date,
): ExceptionMatch | undefined => {
  let expired: ExceptionMatch | undefined;
  for (const exception of exceptions) {
    if (!coversPolicy(exception, policy) || !coversTarget(exception, target)) continue;
    if (exception.expires === undefined || exception.expires.getTime() > now.getTime()) {
      return { exception, expired: false };
    }
    expired ??= { exception, expired: true };
  }
  return expired;
};
