/** Resolves a pod to its workload group through its owner, so a group survives rollouts and never is an IP. */
import type { HeartbeatFinding } from '#core/finding.ts';
import type { PodRef, Workload } from '#core/workload.ts';

/** Characters Kubernetes uses for generated name suffixes (rand.SafeEncodeString: no vowels, no 0/1/3). */
const hashSuffix = /-[bcdfghjklmnpqrstvwxz2456789]{5,10}$/;

const kinds = new Set<string>([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
]);

/** A ReplicaSet name is `<deployment>-<pod-template-hash>`: strip the hash so the group is the Deployment. */
const deploymentOf = (replicaSet: string, labels: Record<string, string>): string => {
  const hash = labels['pod-template-hash'];
  if (hash !== undefined && replicaSet.endsWith(`-${hash}`)) return replicaSet.slice(0, -hash.length - 1);
  return replicaSet.replace(hashSuffix, '');
};

const fromOwner = (owner: { kind: string; name: string }, labels: Record<string, string>) => {
  if (owner.kind === 'ReplicaSet')
    return { kind: 'Deployment' as const, name: deploymentOf(owner.name, labels) };
  if (owner.kind === 'Job' && /-\d{8,}$/.test(owner.name)) {
    return { kind: 'CronJob' as const, name: owner.name.replace(/-\d{8,}$/, '') };
  }
  if (kinds.has(owner.kind)) return { kind: owner.kind as Workload['kind'], name: owner.name };
  return undefined;
};

/** Without an owner: `<deployment>-<hash>-<5 chars>` looks like a Deployment's pod, anything else is itself. */
const fromPodName = (name: string) => {
  const match = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(name);
  return match?.[1] === undefined
    ? { kind: 'Pod' as const, name }
    : { kind: 'Deployment' as const, name: match[1] };
};

export const workloadOfPod = (
  pod: PodRef,
  heartbeat: Pick<HeartbeatFinding, 'owner' | 'labels' | 'serviceAccount'> | undefined,
  groupByLabel?: string,
): Workload => {
  const labels = heartbeat?.labels ?? {};
  const owned = heartbeat?.owner === undefined ? undefined : fromOwner(heartbeat.owner, labels);
  const { kind, name } = owned ?? fromPodName(pod.name);
  const labelled = groupByLabel === undefined ? undefined : labels[groupByLabel];
  const workload: Workload = { namespace: pod.namespace, kind, name: labelled ?? name };
  if (heartbeat?.serviceAccount !== undefined) workload.serviceAccount = heartbeat.serviceAccount;
  return workload;
};
