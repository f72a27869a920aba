/** PSA restricted `runAsNonRoot`: the pod or every container must set runAsNonRoot=true, and none false. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject } from './fields.ts';
import { usesUserNamespace } from './pod-os.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const fix = 'set spec.securityContext.runAsNonRoot: true and run the image as a non-zero UID';

const runAsNonRoot1_0 = (view: PodView): CheckIssue[] => {
  const podValue = asObject(view.spec.securityContext).runAsNonRoot;
  const issues: CheckIssue[] = [];
  if (podValue === false) {
    issues.push({
      code: 'run-as-non-root',
      path: `${view.specPath}.securityContext.runAsNonRoot`,
      message: 'pod must not set securityContext.runAsNonRoot=false',
      value: 'false',
      allowed: 'true',
      fix,
    });
  }
  for (const ref of containersOf(view)) {
    const value = ref.securityContext.runAsNonRoot;
    if (value === true || ((value === undefined || value === null) && podValue === true)) continue;
    const explicit = value === false;
    issues.push({
      code: 'run-as-non-root',
      path: `${ref.path}.securityContext.runAsNonRoot`,
      message: explicit
        ? `${named(ref)} must not set securityContext.runAsNonRoot=false`
        : `pod or ${named(ref)} must set securityContext.runAsNonRoot=true`,
      value: explicit ? 'false' : 'unset',
      allowed: 'true (on the pod or the container)',
      fix,
    });
  }
  return issues;
};

const runAsNonRoot1_35 = (view: PodView): CheckIssue[] =>
  usesUserNamespace(view) ? [] : runAsNonRoot1_0(view);

export const runAsNonRoot = psaCheck({
  id: 'runAsNonRoot',
  summary: 'Containers must be required to run as non-root users',
  level: 'restricted',
  versions: [
    [0, runAsNonRoot1_0],
    [35, runAsNonRoot1_35],
  ],
});
