/** meshward's own namespace: never injected, Pod Security restricted for its own control plane. */
import type { InstallOptions } from './install-options.ts';

export const namespaceManifest = (options: InstallOptions) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: options.namespace,
    labels: {
      'app.kubernetes.io/part-of': 'meshward',
      'meshward.io/inject': 'disabled',
      'pod-security.kubernetes.io/enforce': 'restricted',
    },
  },
});
