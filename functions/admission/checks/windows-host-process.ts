/** PSA baseline `windowsHostProcess`: no pod or container may run as a Windows HostProcess container. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const fix = 'remove securityContext.windowsOptions.hostProcess or set it to false';

const windowsHostProcess1_0 = (view: PodView): CheckIssue[] => {
  const issues: CheckIssue[] = [];
  const pod = asObject(asObject(view.spec.securityContext).windowsOptions);
  if (pod.hostProcess === true) {
    issues.push({
      code: 'windows-host-process',
      path: `${view.specPath}.securityContext.windowsOptions.hostProcess`,
      message: 'pod must not set securityContext.windowsOptions.hostProcess=true',
      value: 'true',
      allowed: 'false or unset',
      fix,
    });
  }
  for (const ref of containersOf(view)) {
    if (asObject(ref.securityContext.windowsOptions).hostProcess !== true) continue;
    issues.push({
      code: 'windows-host-process',
      path: `${ref.path}.securityContext.windowsOptions.hostProcess`,
      message: `${named(ref)} must not set securityContext.windowsOptions.hostProcess=true`,
      value: 'true',
      allowed: 'false or unset',
      fix,
    });
  }
  return issues;
};

export const windowsHostProcess = psaCheck({
  id: 'windowsHostProcess',
  summary: 'Windows HostProcess containers have privileged access to the host',
  level: 'baseline',
  versions: [[0, windowsHostProcess1_0]],
});
