/** release-pod: the exact reverse of quarantine-pod: prior labels and annotations back, policy removed when unused. */
import { z } from 'zod';
import type { Action } from '../action.ts';
import type { ActionTarget, PodState } from '../action-target.ts';
import { applyChanges } from '../apply-changes.ts';
import type { Change } from '../change.ts';
import { podEvent } from '../pod-event.ts';
import { quarantineLabel, quarantinePolicyName, readRestore } from '../quarantine-labels.ts';
import { isOwnPolicy } from '../quarantine-policy.ts';

const params = z.strictObject({});

const restoreChanges = (state: PodState, target: ActionTarget): Change[] => {
  const { pod } = state;
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const uid = pod.metadata?.uid ?? '';
  const restore = readRestore(pod.metadata?.annotations);
  const relabelled = Object.keys(restore.labels).filter((key) => key !== quarantineLabel);
  const changes: Change[] = [
    {
      kind: 'patch-pod',
      namespace,
      name,
      patch: { metadata: { resourceVersion: pod.metadata?.resourceVersion, ...restore } },
      summary: 'restore the labels and annotations the pod had before quarantine',
    },
    {
      kind: 'create-event',
      namespace,
      event: podEvent(pod, {
        reason: 'MeshwardReleased',
        message: `Released by ${target.actor}: ${target.reason}`,
        type: 'Normal',
        now: target.now,
      }),
      summary: 'record a Normal event on the pod',
    },
    {
      kind: 'tap-command',
      command: { kind: 'release', podUid: uid },
      pod: { namespace, name },
      summary: 'tell the tap to stop dropping',
    },
    { kind: 'record-quarantine', podUid: uid, summary: 'record the release' },
  ];
  const adopt = `labels ${relabelled.join(', ')} restored: the ReplicaSet may adopt the pod again and scale one pod down`;
  return relabelled.length === 0 ? changes : [...changes, { kind: 'note', summary: adopt }];
};

const plan = (target: ActionTarget): Change[] => {
  const state = target.podState;
  if (state === undefined) return [{ kind: 'note', summary: 'the pod no longer exists' }];
  const quarantined = state.pod.metadata?.labels?.[quarantineLabel] !== undefined;
  const changes: Change[] = quarantined
    ? restoreChanges(state, target)
    : [{ kind: 'note', summary: 'the pod is not quarantined' }];
  if (isOwnPolicy(state.policy) && state.otherQuarantined.length === 0) {
    const namespace = state.pod.metadata?.namespace ?? '';
    changes.splice(1, 0, {
      kind: 'delete-network-policy',
      namespace,
      name: quarantinePolicyName,
      summary: `delete the deny-all NetworkPolicy in ${namespace}: no other pod there is quarantined`,
    });
  }
  return changes;
};

export const releasePod: Action<typeof params> = {
  id: 'release-pod',
  description: 'Undo a quarantine exactly',
  params,
  target: 'pod',
  permissions: [
    { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'patch'] },
    { apiGroup: 'networking.k8s.io', resource: 'networkpolicies', verbs: ['get', 'delete'] },
    { apiGroup: '', resource: 'events', verbs: ['create'] },
  ],
  whenLimited: 'skip',
  plan,
  apply: (changes, deps) => applyChanges('release-pod', changes, deps),
};
