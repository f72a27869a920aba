/** Kubernetes NetworkPolicy: a default deny per namespace, DNS egress, and one policy per workload. */
import type { Rule } from '#core/rule.ts';
import {
  defaultClusterDns,
  destinations,
  type ExportInput,
  type ExportWorkload,
  namespacesOf,
  provenance,
  rulesInto,
  rulesOutOf,
  workloadLookup,
} from '../export-input.ts';
import type { ExportedDocument, RuleExporter } from '../exporter.ts';

type NetworkPeer = Record<string, unknown>;
type PeerOf = (rule: Rule, side: 'from' | 'to', home: string) => NetworkPeer | undefined;

const portsOf = (rule: Rule) => [
  {
    port: rule.port,
    protocol: rule.transport === 'udp' ? 'UDP' : 'TCP',
    ...(rule.portEnd === undefined ? {} : { endPort: rule.portEnd }),
  },
];

const namespaceSelector = (namespace: string) => ({
  matchLabels: { 'kubernetes.io/metadata.name': namespace },
});

const peerMaker =
  (
    lookup: (peer: { type: 'group'; namespace: string; name: string }) => ExportWorkload,
    warnings: string[],
  ): PeerOf =>
  (rule, side, home) => {
    const peer = rule[side];
    if (peer.type === 'cidr') return { ipBlock: { cidr: peer.cidr } };
    if (peer.type === 'fqdn') {
      warnings.push(
        `rule ${rule.id}: NetworkPolicy cannot name ${peer.fqdn}; export it as CIDRs or use Cilium toFQDNs`,
      );
      return undefined;
    }
    const selector = { podSelector: { matchLabels: lookup(peer).selector } };
    return peer.namespace === home
      ? selector
      : { ...selector, namespaceSelector: namespaceSelector(peer.namespace) };
  };

/** Groups rules by port so each port lists every peer once, in a stable order. */
const entries = (rules: Rule[], side: 'from' | 'to', home: string, peerOf: PeerOf) => {
  const byPort = new Map<string, { ports: ReturnType<typeof portsOf>; peers: Map<string, NetworkPeer> }>();
  for (const rule of [...rules].sort((a, b) => a.port - b.port || a.id.localeCompare(b.id))) {
    const peer = peerOf(rule, side, home);
    if (peer === undefined) continue;
    const key = JSON.stringify(portsOf(rule));
    const entry = byPort.get(key) ?? { ports: portsOf(rule), peers: new Map() };
    entry.peers.set(JSON.stringify(peer), peer);
    byPort.set(key, entry);
  }
  return [...byPort.values()].map((entry) => ({ [side]: [...entry.peers.values()], ports: entry.ports }));
};

const namespaceDocuments = (
  namespace: string,
  dns: { namespace: string; selector: Record<string, string> },
): ExportedDocument[] => [
  {
    comment: [`Default deny for namespace ${namespace}: only what the rules below allow gets through.`],
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'meshward-default-deny', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
  },
  {
    comment: ['Cluster DNS is always allowed: every workload resolves names.'],
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'meshward-allow-dns', namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: namespaceSelector(dns.namespace),
                podSelector: { matchLabels: dns.selector },
              },
            ],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      },
    },
  },
];

export const networkPolicyExporter: RuleExporter = {
  id: 'networkpolicy',
  title: 'Kubernetes NetworkPolicy (networking.k8s.io/v1)',
  export(input: ExportInput) {
    const warnings: string[] = [];
    const lookup = workloadLookup(input, warnings);
    const peerOf = peerMaker(lookup, warnings);
    const groups = destinations(input);
    const dns = input.clusterDns ?? defaultClusterDns;
    const documents = namespacesOf(groups).flatMap((namespace) => namespaceDocuments(namespace, dns));
    for (const group of groups) {
      const inbound = rulesInto(input, group);
      const outbound = rulesOutOf(input, group);
      documents.push({
        comment: [
          `${group.namespace}/${group.name}: learned by meshward`,
          ...provenance([...inbound, ...outbound]),
        ],
        object: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `meshward-${group.name}`, namespace: group.namespace },
          spec: {
            podSelector: { matchLabels: lookup(group).selector },
            policyTypes: ['Ingress', 'Egress'],
            ingress: entries(inbound, 'from', group.namespace, peerOf),
            egress: entries(outbound, 'to', group.namespace, peerOf),
          },
        },
      });
    }
    return { documents, warnings: [...new Set(warnings)] };
  },
};
