/** PSA restricted `runAsUser` (v1.23+): neither the pod nor a container may set runAsUser=0. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject } from './fields.ts';
import { usesUserNamespace } from './pod-os.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const rootIssue = (path: string, who: string): CheckIssue => ({
  code: 'run-as-root-user',
  path: `${path}.securityContext.runAsUser`,
  message: `${who} must not set runAsUser=0`,
  value: '0',
  allowed: 'a non-zero UID, or unset',
  fix: 'set runAsUser to a non-zero UID (e.g. 65532), or remove it',
});

const runAsUser1_23 = (view: PodView): CheckIssue[] => [
  ...(asObject(view.spec.securityContext).runAsUser === 0 ? [rootIssue(view.specPath, 'pod')] : []),
  ...containersOf(view)
    .filter((ref) => ref.securityContext.runAsUser === 0)
    .map((ref) => rootIssue(ref.path, named(ref))),
];

const runAsUser1_35 = (view: PodView): CheckIssue[] => (usesUserNamespace(view) ? [] : runAsUser1_23(view));

export const runAsUser = psaCheck({
  id: 'runAsUser',
  summary: 'Containers must not set runAsUser to 0',
  level: 'restricted',
  versions: [
    [23, runAsUser1_23],
    [35, runAsUser1_35],
  ],
});
