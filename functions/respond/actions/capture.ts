/** capture: ask the pod's tap for a pcap around the trigger, uploaded to the object store, and link it. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Action } from '../action.ts';
import type { ActionTarget } from '../action-target.ts';
import { applyChanges } from '../apply-changes.ts';
import type { Change } from '../change.ts';

const params = z.strictObject({
  beforeSeconds: z.number().int().min(0).max(300).default(30),
  afterSeconds: z.number().int().min(0).max(600).default(30),
  /** Only packets to or from this peer (the tap's flow filter); the whole pod's traffic when absent. */
  flow: z
    .strictObject({ ip: z.union([z.ipv4(), z.ipv6()]), port: z.number().int().min(0).max(65535) })
    .optional(),
});

const podOf = (target: ActionTarget) => {
  const pod = target.finding?.pod ?? target.pod;
  return pod?.uid === undefined ? undefined : { ...pod, uid: pod.uid };
};

const plan = (target: ActionTarget, p: z.infer<typeof params>): Change[] => {
  const pod = podOf(target);
  if (pod === undefined) return [{ kind: 'note', summary: 'no pod to capture on: the finding names none' }];
  const id = createHash('sha256')
    .update(`${target.finding?.id ?? ''}\n${pod.uid}\n${target.now}`)
    .digest('hex')
    .slice(0, 32);
  const key = `captures/${pod.namespace}/${pod.name}/${target.now.replace(/[:.]/g, '')}-${id.slice(0, 8)}.pcap`;
  return [
    {
      kind: 'capture',
      podUid: pod.uid,
      pod: { namespace: pod.namespace, name: pod.name },
      id,
      key,
      beforeSeconds: p.beforeSeconds,
      afterSeconds: p.afterSeconds,
      ...(p.flow === undefined ? {} : { flow: p.flow }),
      summary: `capture ${p.beforeSeconds}s before and ${p.afterSeconds}s after on ${pod.namespace}/${pod.name}`,
    },
  ];
};

export const capture: Action<typeof params> = {
  id: 'capture',
  description: 'Take a packet capture on the pod, including the seconds before the trigger',
  params,
  target: 'finding',
  /** Reads and patches the pod only to write the command annotation when the tap is not polling ingest. */
  permissions: [{ apiGroup: '', resource: 'pods', verbs: ['get', 'patch'] }],
  whenLimited: 'skip',
  plan,
  apply: (changes, deps) => applyChanges('capture', changes, deps),
};
