/** quarantine-pod: label the pod, ensure the deny-all policy, tell the tap to drop, record who/why/when; optionally detach. */
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import type { Action } from '../action.ts';
import type { ActionTarget, PodState } from '../action-target.ts';
import { applyChanges } from '../apply-changes.ts';
import type { Change } from '../change.ts';
import { detachBlocker, detachLabels } from '../detach-labels.ts';
import { podEvent } from '../pod-event.ts';
import { priorValues, quarantineAnnotations, quarantineLabel } from '../quarantine-labels.ts';
import { quarantinePolicy } from '../quarantine-policy.ts';

const params = z.strictObject({
  /** Relabel the pod out of its ReplicaSet and Services so the controller starts a clean replacement. */
  detach: z.boolean().default(false),
  controlPlaneNamespace: z.string().min(1).default('meshward'),
  controlPlanePort: z.number().int().min(1).max(65535).default(8443),
});
type Params = z.infer<typeof params>;

const labelPatch = (pod: V1Pod, detach: boolean): Record<string, string | null> => ({
  ...(detach ? detachLabels(pod.metadata?.labels) : {}),
  [quarantineLabel]: 'true',
});

const podPatch = (state: PodState, target: ActionTarget, detach: boolean): Change => {
  const { pod } = state;
  const labels = labelPatch(pod, detach);
  const annotations: Record<string, string> = {
    [quarantineAnnotations.by]: target.actor,
    [quarantineAnnotations.at]: target.now,
    [quarantineAnnotations.reason]: target.reason.slice(0, 512),
    ...(target.finding === undefined ? {} : { [quarantineAnnotations.finding]: target.finding.id }),
  };
  const restore = {
    labels: priorValues(pod.metadata?.labels, labels),
    annotations: priorValues(pod.metadata?.annotations, {
      ...annotations,
      [quarantineAnnotations.restore]: '',
    }),
  };
  const patch = {
    metadata: {
      resourceVersion: pod.metadata?.resourceVersion,
      labels,
      annotations: { ...annotations, [quarantineAnnotations.restore]: JSON.stringify(restore) },
    },
  };
  const what = detach
    ? `label ${quarantineLabel}=true and remove its other labels`
    : `label ${quarantineLabel}=true`;
  return {
    kind: 'patch-pod',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    patch,
    summary: what,
  };
};

const firstQuarantine = (state: PodState, target: ActionTarget, detach: boolean): Change[] => {
  const { pod } = state;
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const uid = pod.metadata?.uid ?? '';
  const message = `Quarantined by ${target.actor}: ${target.reason}`;
  return [
    podPatch(state, target, detach),
    {
      kind: 'create-event',
      namespace,
      event: podEvent(pod, { reason: 'MeshwardQuarantined', message, type: 'Warning', now: target.now }),
      summary: 'record a Warning event on the pod',
    },
    {
      kind: 'tap-command',
      command: { kind: 'quarantine', podUid: uid, reason: target.reason.slice(0, 512) },
      pod: { namespace, name },
      summary: 'tell the tap to drop all traffic but the control plane',
    },
    {
      kind: 'record-quarantine',
      podUid: uid,
      record: {
        podUid: uid,
        namespace,
        name,
        by: target.actor,
        reason: target.reason,
        at: target.now,
        ...(target.finding === undefined ? {} : { findingId: target.finding.id }),
      },
      summary: 'record who quarantined the pod, when and why',
    },
  ];
};

const plan = (target: ActionTarget, p: Params): Change[] => {
  const state = target.podState;
  if (state === undefined) return [{ kind: 'note', summary: 'the pod no longer exists' }];
  const namespace = state.pod.metadata?.namespace ?? '';
  const already = state.pod.metadata?.labels?.[quarantineLabel] === 'true';
  const blocker = p.detach ? detachBlocker(state.pod) : undefined;
  const changes: Change[] = already
    ? [
        {
          kind: 'note',
          summary: `already quarantined by ${state.pod.metadata?.annotations?.[quarantineAnnotations.by] ?? 'someone'}`,
        },
      ]
    : firstQuarantine(state, target, p.detach && blocker === undefined);
  if (state.policy === undefined) {
    const policy = quarantinePolicy(namespace, {
      namespace: p.controlPlaneNamespace,
      port: p.controlPlanePort,
    });
    changes.splice(1, 0, {
      kind: 'create-network-policy',
      namespace,
      policy,
      summary: `create the deny-all NetworkPolicy ${policy.metadata?.name} in ${namespace}`,
    });
  }
  if (blocker !== undefined && !already) changes.push({ kind: 'note', summary: `not detached: ${blocker}` });
  return changes;
};

export const quarantinePod: Action<typeof params> = {
  id: 'quarantine-pod',
  description: 'Cut all traffic of a pod but keep it running for forensics',
  params,
  target: 'pod',
  permissions: [
    { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'patch'] },
    { apiGroup: 'networking.k8s.io', resource: 'networkpolicies', verbs: ['get', 'create'] },
    { apiGroup: '', resource: 'events', verbs: ['create'] },
  ],
  whenLimited: 'skip',
  plan,
  apply: (changes, deps) => applyChanges('quarantine-pod', changes, deps),
};
