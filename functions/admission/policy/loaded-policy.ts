/** A policy set after loading: policies ready to evaluate, exceptions, and every problem found on the way. */
import type { Severity } from '#core/finding.ts';
import type { Check } from '../checks/check.ts';
import type { CelRule } from './cel-rule.ts';
import type { WorkloadRef } from './exception-schema.ts';
import type { PolicyAction, ResourceFilter } from './policy-schema.ts';

export type PolicyRule =
  | { type: 'check'; check: Check; params: unknown }
  | { type: 'cel'; cel: CelRule; message: string; fix?: string; scope: 'object' | 'pod'; path: string };

export type LoadedPolicy = {
  name: string;
  file: string;
  title: string;
  description: string;
  severity: Severity;
  category: string;
  action: PolicyAction;
  match?: ResourceFilter;
  exclude?: ResourceFilter;
  rule: PolicyRule;
};

export type LoadedException = {
  name: string;
  file: string;
  policies: string[];
  checks: string[];
  workloads: WorkloadRef[];
  reason: string;
  owner: string;
  expires?: Date;
};

/** A defect in a policy file: where it is and what is wrong. */
export type PolicyProblem = { file: string; line?: number; message: string };

export type LoadedPolicySet = {
  policies: LoadedPolicy[];
  exceptions: LoadedException[];
  problems: PolicyProblem[];
};

export const formatProblem = (problem: PolicyProblem): string =>
  `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`;

/** The id a verdict reports for a policy's rule: the check id, or `cel`. */
export const ruleId = (policy: LoadedPolicy): string =>
  policy.rule.type === 'check' ? policy.rule.check.id : 'cel';
