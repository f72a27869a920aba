/** PSA baseline `privileged`: no container may run privileged. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const privileged1_0 = (view: PodView): CheckIssue[] =>
  containersOf(view)
    .filter((ref) => ref.securityContext.privileged === true)
    .map((ref) => ({
      code: 'privileged',
      path: `${ref.path}.securityContext.privileged`,
      message: `${named(ref)} must not set securityContext.privileged=true`,
      value: 'true',
      allowed: 'false or unset',
      fix: 'remove securityContext.privileged or set it to false; add only the capabilities it needs',
    }));

export const privileged = psaCheck({
  id: 'privileged',
  summary: 'Privileged pods disable most security mechanisms',
  level: 'baseline',
  versions: [[0, privileged1_0]],
});
