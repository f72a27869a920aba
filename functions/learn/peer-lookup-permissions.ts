/** What learn's Kubernetes peer lookups (functions/platform/kube/kube-ip-lookup.ts) read: infra/k8s/rbac.yaml grants exactly this. */
import type { Permission } from '#functions/respond/action.ts';

export const peerLookupPermissions: readonly Permission[] = [
  // Pods by `status.podIP` in every namespace, and a Service's pods by its selector.
  { apiGroup: '', resource: 'pods', verbs: ['list'] },
  // Services by cluster IP (field selector, or a full list where the API server lacks that selector).
  { apiGroup: '', resource: 'services', verbs: ['list'] },
];
