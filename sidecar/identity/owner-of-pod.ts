/** The pod's controlling workload as far as the pod itself can tell, from the labels its controller stamps on it. */

export type PodOwner = { kind: string; name: string };

const ordinalSuffix = /-\d+$/;
const generatedSuffix = /-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/**
 * Deployment pods carry `pod-template-hash` and are named `<replicaset>-<5 chars>`; StatefulSet pods carry
 * `statefulset.kubernetes.io/pod-name` and end in `-<ordinal>`; DaemonSet pods carry `pod-template-generation`
 * with `controller-revision-hash`; Job pods carry `job-name`. The owner is reported like an ownerReference
 * (a Deployment's pod names its ReplicaSet), and the control plane maps that to the workload group.
 */
export const ownerOfPod = (name: string, labels: Readonly<Record<string, string>>): PodOwner | undefined => {
  const job = labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
  if (job !== undefined) return { kind: 'Job', name: job };
  const hash = labels['pod-template-hash'];
  if (hash !== undefined && generatedSuffix.test(name)) {
    const replicaSet = name.replace(generatedSuffix, '');
    if (replicaSet.endsWith(`-${hash}`)) return { kind: 'ReplicaSet', name: replicaSet };
  }
  if (labels['statefulset.kubernetes.io/pod-name'] === name && ordinalSuffix.test(name)) {
    return { kind: 'StatefulSet', name: name.replace(ordinalSuffix, '') };
  }
  if (labels['pod-template-generation'] !== undefined && labels['controller-revision-hash'] !== undefined) {
    if (generatedSuffix.test(name)) return { kind: 'DaemonSet', name: name.replace(generatedSuffix, '') };
  }
  return undefined;
};
