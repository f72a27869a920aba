/** Whether relabelling a pod out of its controller can work, and the label changes that do it. */
import type { V1Pod } from '@kubernetes/client-node';

/** Controllers that start a replacement when a pod stops matching their selector, and the pod can stay. */
const detachable = new Set(['ReplicaSet', 'ReplicationController']);

const whyNot: Record<string, string> = {
  StatefulSet:
    'a StatefulSet pod keeps its name and identity: the controller cannot start a replacement beside it',
  DaemonSet: 'a DaemonSet runs one pod per node: a replacement would share the node, ports and host paths',
  Job: 'a Job counts its pods: detaching one makes the Job start another run of the work',
  none: 'a bare pod has no controller to start a replacement',
};

/** Undefined when detach can work; otherwise the reason it cannot. */
export const detachBlocker = (pod: V1Pod): string | undefined => {
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller === true);
  if (owner !== undefined && detachable.has(owner.kind)) return undefined;
  const kind = owner?.kind ?? 'none';
  return whyNot[kind] ?? `pods of a ${kind} cannot be detached safely`;
};

/** Removes every label except meshward's own, so neither the ReplicaSet nor any Service selects the pod. */
export const detachLabels = (labels: Record<string, string> | undefined): Record<string, null> =>
  Object.fromEntries(
    Object.keys(labels ?? {})
      .filter((key) => !key.startsWith('meshward.io/'))
      .map((key) => [key, null]),
  );
