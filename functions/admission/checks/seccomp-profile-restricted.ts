/** PSA restricted `seccompProfile_restricted`: RuntimeDefault or Localhost on the pod or every container. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject } from './fields.ts';
import { isWindowsPod } from './pod-os.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';
import { unconfinedSeccomp } from './seccomp-profile-baseline.ts';

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

const seccompRestricted1_19 = (view: PodView): CheckIssue[] => {
  const podProfile = asObject(view.spec.securityContext).seccompProfile;
  const podIssues = unconfinedSeccomp(podProfile, view.specPath, 'pod');
  const podValid = isSet(podProfile) && podIssues.length === 0;
  const containerIssues = containersOf(view).flatMap((ref): CheckIssue[] => {
    const profile = ref.securityContext.seccompProfile;
    if (isSet(profile)) return unconfinedSeccomp(profile, ref.path, named(ref));
    if (podValid) return [];
    return [
      {
        code: 'seccomp-profile-missing',
        path: `${ref.path}.securityContext.seccompProfile.type`,
        message: `pod or ${named(ref)} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost`,
        value: 'unset',
        allowed: 'RuntimeDefault, Localhost',
        fix: 'set spec.securityContext.seccompProfile.type: RuntimeDefault',
      },
    ];
  });
  return [...podIssues, ...containerIssues];
};

const seccompRestricted1_25 = (view: PodView): CheckIssue[] =>
  isWindowsPod(view) ? [] : seccompRestricted1_19(view);

export const seccompProfileRestricted = psaCheck({
  id: 'seccompProfile_restricted',
  summary: 'Seccomp must be explicitly set to RuntimeDefault or Localhost',
  level: 'restricted',
  overrides: ['seccompProfile_baseline'],
  versions: [
    [19, seccompRestricted1_19],
    [25, seccompRestricted1_25],
  ],
});
