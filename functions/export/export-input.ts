/** What an exporter needs besides the rules: each workload's pod labels, service account and ports. */
import type { Peer, Rule } from '#core/rule.ts';

export type ExportWorkload = {
  namespace: string;
  name: string;
  /** Labels that select this workload's pods (a Deployment's `spec.selector.matchLabels`). */
  selector: Record<string, string>;
  serviceAccount?: string;
};

export type ExportInput = {
  rules: readonly Rule[];
  workloads: readonly ExportWorkload[];
  /** Only export policies for workloads in this namespace. */
  namespace?: string;
  /** Where cluster DNS runs; egress to it is always allowed. */
  clusterDns?: { namespace: string; selector: Record<string, string> };
};

export const defaultClusterDns = { namespace: 'kube-system', selector: { 'k8s-app': 'kube-dns' } };

export type GroupPeer = Extract<Peer, { type: 'group' }>;

export const workloadKey = (peer: { namespace: string; name: string }) => `${peer.namespace}/${peer.name}`;

/** Looks a group up; unknown groups fall back to the common `app: NAME` convention, with a warning. */
export const workloadLookup = (input: ExportInput, warnings: string[]) => {
  const byKey = new Map(input.workloads.map((workload) => [workloadKey(workload), workload]));
  return (peer: GroupPeer): ExportWorkload => {
    const found = byKey.get(workloadKey(peer));
    if (found !== undefined) return found;
    const fallback = { namespace: peer.namespace, name: peer.name, selector: { app: peer.name } };
    byKey.set(workloadKey(peer), fallback);
    warnings.push(`no pod labels known for ${workloadKey(peer)}: selecting app=${peer.name}`);
    return fallback;
  };
};

/** Mesh control plane and cluster namespaces: never given a default deny unless asked for by name. */
export const protectedNamespaces = new Set([
  'kube-system',
  'istio-system',
  'linkerd',
  'linkerd-viz',
  'cilium',
]);

/** Workloads the rules mention, sorted, within the requested namespace (protected ones only if named). */
export const destinations = (input: ExportInput): GroupPeer[] => {
  const seen = new Map<string, GroupPeer>();
  for (const rule of input.rules) {
    if (rule.to.type === 'group') seen.set(workloadKey(rule.to), rule.to);
    if (rule.from.type === 'group') seen.set(workloadKey(rule.from), rule.from);
  }
  return [...seen.values()]
    .filter((peer) =>
      input.namespace === undefined
        ? !protectedNamespaces.has(peer.namespace)
        : peer.namespace === input.namespace,
    )
    .sort((a, b) => workloadKey(a).localeCompare(workloadKey(b)));
};

export const rulesInto = (input: ExportInput, peer: GroupPeer) =>
  input.rules.filter((rule) => rule.to.type === 'group' && workloadKey(rule.to) === workloadKey(peer));

export const rulesOutOf = (input: ExportInput, peer: GroupPeer) =>
  input.rules.filter((rule) => rule.from.type === 'group' && workloadKey(rule.from) === workloadKey(peer));

/** One line per rule, for the comment above a policy: where each allowance came from. */
export const provenance = (rules: readonly Rule[]): string[] =>
  [...rules]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(
      (rule) =>
        `rule ${rule.id} (${rule.source}, ${rule.protocol}/${rule.port}${rule.portEnd === undefined ? '' : `-${rule.portEnd}`}, ${rule.hits} hits, ${rule.firstSeen} .. ${rule.lastSeen})`,
    );

export const namespacesOf = (peers: readonly GroupPeer[]): string[] =>
  [...new Set(peers.map((peer) => peer.namespace))].sort();
