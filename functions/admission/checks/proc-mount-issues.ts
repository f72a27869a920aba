/** The procMount rule both PSA procMount checks share: containers must use the Default /proc mask. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import type { PodView } from './pod-view.ts';

export const procMountIssues = (view: PodView): CheckIssue[] =>
  containersOf(view).flatMap((ref) => {
    const value = ref.securityContext.procMount;
    if (value === undefined || value === null || value === 'Default') return [];
    return [
      {
        code: 'proc-mount',
        path: `${ref.path}.securityContext.procMount`,
        message: `${named(ref)} must not set securityContext.procMount to ${JSON.stringify(value)}`,
        value: JSON.stringify(value),
        allowed: 'Default or unset',
        fix: 'remove securityContext.procMount or set it to Default',
      },
    ];
  });
