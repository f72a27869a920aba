/** PSA baseline `seccompProfile_baseline`: no Unconfined seccomp profile (annotations before v1.19, fields after). */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject, asStringMap, showValue, textOf } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const podAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const containerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const validTypes = ['RuntimeDefault', 'Localhost'];
const fix = 'set seccompProfile.type to RuntimeDefault, or remove it';

const validAnnotation = (value: string): boolean =>
  value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');

const seccompAnnotations1_0 = (view: PodView): CheckIssue[] => {
  const annotations = asStringMap(view.metadata.annotations);
  const keys = [podAnnotation, ...containersOf(view).map((ref) => `${containerAnnotationPrefix}${ref.name}`)];
  return keys.flatMap((key) => {
    const value = annotations[key];
    if (value === undefined || validAnnotation(value)) return [];
    return [
      {
        code: 'seccomp-annotation',
        path: `${view.metadataPath}.annotations[${JSON.stringify(key)}]`,
        message: `annotation ${key} must not be ${JSON.stringify(value)}`,
        value: JSON.stringify(value),
        allowed: '"runtime/default", "docker/default" or "localhost/<profile>"',
        fix: 'set the annotation to runtime/default',
      },
    ];
  });
};

export const unconfinedSeccomp = (profile: unknown, path: string, who: string): CheckIssue[] => {
  if (profile === undefined || profile === null) return [];
  const type = asObject(profile).type;
  if (validTypes.includes(textOf(type))) return [];
  return [
    {
      code: 'seccomp-profile',
      path: `${path}.securityContext.seccompProfile.type`,
      message: `${who} must not set securityContext.seccompProfile.type to ${showValue(type)}`,
      value: showValue(type),
      allowed: 'RuntimeDefault, Localhost',
      fix,
    },
  ];
};

const seccompFields1_19 = (view: PodView): CheckIssue[] => [
  ...unconfinedSeccomp(asObject(view.spec.securityContext).seccompProfile, view.specPath, 'pod'),
  ...containersOf(view).flatMap((ref) =>
    unconfinedSeccomp(ref.securityContext.seccompProfile, ref.path, named(ref)),
  ),
];

export const seccompProfileBaseline = psaCheck({
  id: 'seccompProfile_baseline',
  summary: 'Seccomp profile must not be explicitly set to Unconfined',
  level: 'baseline',
  versions: [
    [0, seccompAnnotations1_0],
    [19, seccompFields1_19],
  ],
});
