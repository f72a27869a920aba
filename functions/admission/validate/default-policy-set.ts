/** The process-wide default policy set (policies/admission/), loaded once; a broken file is a startup error. */
import { defaultPolicyDirectory } from '../policy/default-policy-paths.ts';
import { loadPolicySetOrThrow } from '../policy/load-policy-set.ts';
import type { LoadedPolicySet } from '../policy/loaded-policy.ts';

let cached: LoadedPolicySet | undefined;

export const currentPolicySet = (): LoadedPolicySet => {
  cached ??= loadPolicySetOrThrow([process.env.MESHWARD_POLICY_DIR ?? defaultPolicyDirectory]);
  return cached;
};
