/** Finds the PolicyException covering a policy verdict for an object, live or expired (expiry is honoured everywhere). */
import type { WorkloadRef } from './exception-schema.ts';
import type { LoadedException, LoadedPolicy } from './loaded-policy.ts';
import { ruleId } from './loaded-policy.ts';
import { nameMatches } from './name-pattern.ts';
import type { PolicyTarget } from './policy-target.ts';

export type ExceptionMatch = { exception: LoadedException; expired: boolean };

const coversPolicy = (exception: LoadedException, policy: LoadedPolicy): boolean =>
  exception.policies.some((pattern) => nameMatches(pattern, policy.name)) ||
  exception.checks.includes(ruleId(policy));

/** Objects a workload creates (Pods, a Deployment's ReplicaSets, a CronJob's Jobs) match through their owners. */
const childKinds = ['Pod', 'ReplicaSet', 'Job'];

const candidateNames = (workload: WorkloadRef, target: PolicyTarget): string[] => {
  if (workload.kind === undefined) return [target.name, ...target.owners];
  if (workload.kind === target.kind) return [target.name];
  return childKinds.includes(target.kind) ? target.owners : [];
};

const coversTarget = (exception: LoadedException, target: PolicyTarget): boolean =>
  exception.workloads.some((workload) => {
    const { namespace } = target;
    if (namespace === undefined || !nameMatches(workload.namespace, namespace)) return false;
    return candidateNames(workload, target).some((name) => nameMatches(workload.name, name));
  });

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
