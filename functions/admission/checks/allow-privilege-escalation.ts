/** PSA restricted `allowPrivilegeEscalation`: every container must set it to false (Windows pods exempt from v1.25). */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { showValue } from './fields.ts';
import { isWindowsPod } from './pod-os.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const allowPrivilegeEscalation1_8 = (view: PodView): CheckIssue[] =>
  containersOf(view)
    .filter((ref) => ref.securityContext.allowPrivilegeEscalation !== false)
    .map((ref) => ({
      code: 'allow-privilege-escalation',
      path: `${ref.path}.securityContext.allowPrivilegeEscalation`,
      message: `${named(ref)} must set securityContext.allowPrivilegeEscalation=false`,
      value: showValue(ref.securityContext.allowPrivilegeEscalation),
      allowed: 'false',
      fix: 'set securityContext.allowPrivilegeEscalation: false',
    }));

const allowPrivilegeEscalation1_25 = (view: PodView): CheckIssue[] =>
  isWindowsPod(view) ? [] : allowPrivilegeEscalation1_8(view);

export const allowPrivilegeEscalation = psaCheck({
  id: 'allowPrivilegeEscalation',
  summary: 'Privilege escalation (setuid binaries) must not be allowed',
  level: 'restricted',
  versions: [
    [8, allowPrivilegeEscalation1_8],
    [25, allowPrivilegeEscalation1_25],
  ],
});
