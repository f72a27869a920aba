/** The outcome of one policy on one object: pass, fail or skip, with every issue found and why it was skipped. */
import type { CheckIssue } from '../checks/check.ts';
import type { LoadedPolicy } from '../policy/loaded-policy.ts';

export type VerdictResult = 'pass' | 'fail' | 'skip';

export type Verdict = {
  policy: LoadedPolicy;
  /** The check id, or `cel`. */
  check: string;
  /** The check's verdict whatever the policy's action: `skip` when exempted or not applicable at the pinned version. */
  result: VerdictResult;
  issues: CheckIssue[];
  /** Why a verdict was skipped, or that an exception has expired. */
  note?: string;
};
