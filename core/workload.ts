/** Workloads (groups) and pods: who a finding or rule is about, never a pod IP. */
import { z } from 'zod';

export const workloadKinds = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'Pod',
] as const;

export const workloadSchema = z.object({
  namespace: z.string().min(1),
  kind: z.enum(workloadKinds),
  name: z.string().min(1),
  serviceAccount: z.string().min(1).optional(),
});
export type Workload = z.infer<typeof workloadSchema>;

export const podRefSchema = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
});
export type PodRef = z.infer<typeof podRefSchema>;

/** The stable key of a group: `namespace/name` (the kind is not part of identity). */
export const groupKey = (workload: Pick<Workload, 'namespace' | 'name'>): string =>
  `${workload.namespace}/${workload.name}`;
