/** A Kubernetes Event on a pod, named deterministically from the pod and the time so plans stay pure. */
import { createHash } from 'node:crypto';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

export const podEvent = (
  pod: V1Pod,
  event: { reason: string; message: string; type: 'Normal' | 'Warning'; now: string },
): CoreV1Event => {
  const at = new Date(event.now);
  const name = pod.metadata?.name ?? 'pod';
  const suffix = createHash('sha256').update(`${event.reason}\n${event.now}\n${event.message}`).digest('hex');
  return {
    metadata: { name: `${name}.${suffix.slice(0, 16)}`, namespace: pod.metadata?.namespace ?? '' },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      name,
      namespace: pod.metadata?.namespace ?? '',
      ...(pod.metadata?.uid === undefined ? {} : { uid: pod.metadata.uid }),
    },
    reason: event.reason,
    message: event.message.slice(0, 1024),
    type: event.type,
    source: { component: 'meshward' },
    reportingComponent: 'meshward.io/respond',
    reportingInstance: 'meshward',
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
};
