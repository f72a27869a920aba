/** Reads what a pod action plans against: the pod, its namespace's quarantine policy, the other quarantined pods. */
import type { KubeApi } from '#functions/platform/kube/kube-api.ts';
import type { PodState } from './action-target.ts';
import { quarantineLabel, quarantinePolicyName } from './quarantine-labels.ts';

export type PodLookup = { namespace: string; name: string; uid?: string };

/** Undefined when the pod is gone, or when a different pod (another uid) now has its name. */
export const observePod = async (kube: KubeApi, ref: PodLookup): Promise<PodState | undefined> => {
  const pod = await kube.getPod(ref.namespace, ref.name);
  if (pod === undefined) return undefined;
  if (ref.uid !== undefined && pod.metadata?.uid !== ref.uid) return undefined;
  const [policy, quarantined] = await Promise.all([
    kube.getNetworkPolicy(ref.namespace, quarantinePolicyName),
    kube.listPods(ref.namespace, quarantineLabel),
  ]);
  const otherQuarantined = quarantined
    .map((other) => other.metadata?.name ?? '')
    .filter((name) => name !== '' && name !== ref.name);
  return { pod, otherQuarantined, ...(policy === undefined ? {} : { policy }) };
};
