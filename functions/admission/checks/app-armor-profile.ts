/** PSA baseline `appArmorProfile`: no Unconfined AppArmor profile, by field or by the beta annotation. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject, asStringMap, showValue, textOf } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const annotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const allowedTypes = ['RuntimeDefault', 'Localhost'];
const allowed = 'RuntimeDefault, Localhost or unset';
const fix = 'set appArmorProfile.type to RuntimeDefault (or Localhost with a profile), or remove it';

const allowedAnnotation = (value: string): boolean =>
  value === '' || value === 'runtime/default' || value.startsWith('localhost/');

const fieldIssue = (path: string, who: string, type: unknown): CheckIssue => ({
  code: 'apparmor-profile',
  path: `${path}.securityContext.appArmorProfile.type`,
  message: `${who} must not set AppArmor profile type to ${showValue(type)}`,
  value: showValue(type),
  allowed,
  fix,
});

const annotationIssues = (view: PodView): CheckIssue[] =>
  Object.entries(asStringMap(view.metadata.annotations))
    .filter(([key, value]) => key.startsWith(annotationPrefix) && !allowedAnnotation(value))
    .map(([key, value]) => ({
      code: 'apparmor-annotation',
      path: `${view.metadataPath}.annotations[${JSON.stringify(key)}]`,
      message: `annotation ${key} must not be ${JSON.stringify(value)}`,
      value: JSON.stringify(value),
      allowed: '"runtime/default", "localhost/<profile>" or empty',
      fix: 'remove the annotation or set it to runtime/default',
    }));

const appArmorProfile1_0 = (view: PodView): CheckIssue[] => {
  const issues: CheckIssue[] = [];
  const pod = asObject(view.spec.securityContext).appArmorProfile;
  const podType = asObject(pod).type;
  if (pod !== undefined && !allowedTypes.includes(textOf(podType))) {
    issues.push(fieldIssue(view.specPath, 'pod', podType));
  }
  for (const ref of containersOf(view)) {
    const profile = ref.securityContext.appArmorProfile;
    const type = asObject(profile).type;
    if (profile !== undefined && !allowedTypes.includes(textOf(type)))
      issues.push(fieldIssue(ref.path, named(ref), type));
  }
  return [...issues, ...annotationIssues(view)];
};

export const appArmorProfile = psaCheck({
  id: 'appArmorProfile',
  summary: 'Overriding or disabling the default AppArmor profile must be disallowed',
  level: 'baseline',
  versions: [[0, appArmorProfile1_0]],
});
