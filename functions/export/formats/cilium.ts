/** CiliumNetworkPolicy (cilium.io/v2) with L7 HTTP rules, DNS visibility and toFQDNs for external names. */
import type { Rule } from '#core/rule.ts';
import {
  defaultClusterDns,
  destinations,
  type ExportInput,
  provenance,
  rulesInto,
  rulesOutOf,
  workloadLookup,
} from '../export-input.ts';
import type { ExportedDocument, RuleExporter } from '../exporter.ts';
import { ciliumPath } from '../path-pattern.ts';

type Lookup = ReturnType<typeof workloadLookup>;

const endpoint = (selector: Record<string, string>, namespace: string) => ({
  matchLabels: { ...selector, 'k8s:io.kubernetes.pod.namespace': namespace },
});

const httpRules = (rule: Rule) => {
  if (rule.http === undefined || !['http', 'http2', 'grpc'].includes(rule.protocol)) return undefined;
  const methods = rule.http.methods.length === 0 ? [undefined] : [...new Set(rule.http.methods)].sort();
  const paths = rule.http.paths.length === 0 ? [undefined] : [...new Set(rule.http.paths)].sort();
  return methods.flatMap((method) =>
    paths.map((path) => ({
      ...(method === undefined ? {} : { method }),
      ...(path === undefined ? {} : { path: ciliumPath(path) }),
    })),
  );
};

const toPorts = (rule: Rule) => {
  const http = httpRules(rule);
  return [
    {
      ports: [
        {
          port: String(rule.port),
          protocol: rule.transport === 'udp' ? 'UDP' : 'TCP',
          ...(rule.portEnd === undefined ? {} : { endPort: rule.portEnd }),
        },
      ],
      ...(http === undefined ? {} : { rules: { http } }),
    },
  ];
};

const peerSelector = (rule: Rule, side: 'from' | 'to', lookup: Lookup): Record<string, unknown> => {
  const peer = rule[side];
  const prefix = side === 'from' ? 'from' : 'to';
  if (peer.type === 'cidr') return { [`${prefix}CIDR`]: [peer.cidr] };
  if (peer.type === 'fqdn') return side === 'to' ? { toFQDNs: [{ matchName: peer.fqdn }] } : {};
  return { [`${prefix}Endpoints`]: [endpoint(lookup(peer).selector, peer.namespace)] };
};

const dnsEgress = (input: ExportInput) => {
  const dns = input.clusterDns ?? defaultClusterDns;
  return {
    toEndpoints: [endpoint(dns.selector, dns.namespace)],
    toPorts: [
      {
        ports: [
          { port: '53', protocol: 'UDP' },
          { port: '53', protocol: 'TCP' },
        ],
        rules: { dns: [{ matchPattern: '*' }] },
      },
    ],
  };
};

export const ciliumExporter: RuleExporter = {
  id: 'cilium',
  title: 'CiliumNetworkPolicy (cilium.io/v2)',
  export(input: ExportInput) {
    const warnings: string[] = [];
    const lookup = workloadLookup(input, warnings);
    const documents: ExportedDocument[] = [];
    for (const group of destinations(input)) {
      const inbound = [...rulesInto(input, group)].sort((a, b) => a.id.localeCompare(b.id));
      const outbound = [...rulesOutOf(input, group)].sort((a, b) => a.id.localeCompare(b.id));
      const ingress = inbound
        .filter((rule) => rule.from.type !== 'fqdn')
        .map((rule) => ({ ...peerSelector(rule, 'from', lookup), toPorts: toPorts(rule) }));
      const egress = [
        dnsEgress(input),
        ...outbound.map((rule) => ({ ...peerSelector(rule, 'to', lookup), toPorts: toPorts(rule) })),
      ];
      documents.push({
        comment: [
          `${group.namespace}/${group.name}: learned by meshward`,
          ...provenance([...inbound, ...outbound]),
        ],
        object: {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: `meshward-${group.name}`, namespace: group.namespace },
          spec: { endpointSelector: { matchLabels: lookup(group).selector }, ingress, egress },
        },
      });
    }
    return { documents, warnings: [...new Set(warnings)] };
  },
};
