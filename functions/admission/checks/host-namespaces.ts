/** PSA baseline `hostNamespaces`: no hostNetwork, hostPID or hostIPC. */
import type { CheckIssue } from './check.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const fields = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

const hostNamespaces1_0 = (view: PodView): CheckIssue[] =>
  fields
    .filter((field) => view.spec[field] === true)
    .map((field) => ({
      code: 'host-namespace',
      path: `${view.specPath}.${field}`,
      message: `pod must not set ${field}=true: it shares the node's namespace`,
      value: 'true',
      allowed: 'false or unset',
      fix: `remove ${field} or set it to false`,
    }));

export const hostNamespaces = psaCheck({
  id: 'hostNamespaces',
  summary: 'Sharing the host namespaces must be disallowed',
  level: 'baseline',
  versions: [[0, hostNamespaces1_0]],
});
