/** The Kubernetes calls meshward makes, as one narrow interface: absent and conflict are values, not throws. */
import type { CoreV1Event, V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';

/** RFC 7386 merge patch, strategic merge patch, or RFC 6902 JSON patch. */
export type PatchKind = 'merge' | 'strategic' | 'json';

export type KubeApi = {
  getPod(namespace: string, name: string): Promise<V1Pod | undefined>;
  /** Pods of a namespace matching a label selector (`key`, `key=value`, `!key`). */
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** `conflict` when a resourceVersion in the patch is stale; `not-found` when the pod is gone. */
  patchPod(
    namespace: string,
    name: string,
    patch: unknown,
    kind: PatchKind,
  ): Promise<V1Pod | 'conflict' | 'not-found'>;
  getNetworkPolicy(namespace: string, name: string): Promise<V1NetworkPolicy | undefined>;
  createNetworkPolicy(namespace: string, policy: V1NetworkPolicy): Promise<'created' | 'exists'>;
  deleteNetworkPolicy(namespace: string, name: string): Promise<'deleted' | 'absent'>;
  createEvent(namespace: string, event: CoreV1Event): Promise<void>;
};
