/** The namespace's deny-all NetworkPolicy for quarantined pods: nothing in, nothing out but the control plane. */
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { managedByLabel, quarantineLabel, quarantinePolicyName } from './quarantine-labels.ts';

export type ControlPlaneEndpoint = { namespace: string; port: number };

/**
 * NetworkPolicies are additive: this only bites if no other policy allows the pod, and some CNIs keep
 * established connections. The tap's in-pod drop is what guarantees the cut; this is defence in depth.
 */
export const quarantinePolicy = (namespace: string, controlPlane: ControlPlaneEndpoint): V1NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: quarantinePolicyName,
    namespace,
    labels: { [managedByLabel]: 'meshward' },
    annotations: { 'meshward.io/purpose': 'deny all traffic of pods labelled meshward.io/quarantine' },
  },
  spec: {
    podSelector: { matchLabels: { [quarantineLabel]: 'true' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [],
    // The tap must still reach the control plane, or it could never be told to release the pod.
    egress: [
      {
        to: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': controlPlane.namespace } } },
        ],
        ports: [{ protocol: 'TCP', port: controlPlane.port }],
      },
    ],
  },
});

/** Meshward may delete only the policy it created itself. */
export const isOwnPolicy = (policy: V1NetworkPolicy | undefined): boolean =>
  policy?.metadata?.labels?.[managedByLabel] === 'meshward';
