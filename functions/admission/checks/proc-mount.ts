/** PSA baseline `procMount`: Default /proc mask; from v1.35 pods in their own user namespace are exempt. */
import type { CheckIssue } from './check.ts';
import { usesUserNamespace } from './pod-os.ts';
import type { PodView } from './pod-view.ts';
import { procMountIssues } from './proc-mount-issues.ts';
import { psaCheck } from './psa-check.ts';

const procMount1_35 = (view: PodView): CheckIssue[] => (usesUserNamespace(view) ? [] : procMountIssues(view));

export const procMount = psaCheck({
  id: 'procMount',
  summary: 'The default /proc masks must not be disabled (outside a user namespace)',
  level: 'baseline',
  versions: [
    [0, procMountIssues],
    [35, procMount1_35],
  ],
});
