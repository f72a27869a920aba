/** Istio security.istio.io/v1 AuthorizationPolicy: allow-nothing per namespace, ALLOW per workload. */
import type { Rule } from '#core/rule.ts';
import {
  destinations,
  type ExportInput,
  namespacesOf,
  provenance,
  rulesInto,
  workloadLookup,
} from '../export-input.ts';
import type { ExportedDocument, RuleExporter } from '../exporter.ts';
import { istioPath } from '../path-pattern.ts';

const l7Protocols = new Set(['http', 'http2', 'grpc']);

type Lookup = ReturnType<typeof workloadLookup>;

const source = (rule: Rule, lookup: Lookup, warnings: string[]): Record<string, unknown> | undefined => {
  const from = rule.from;
  if (from.type === 'cidr') return { ipBlocks: [from.cidr] };
  if (from.type === 'fqdn') {
    warnings.push(`rule ${rule.id}: Istio cannot match a source by name (${from.fqdn}); rule skipped`);
    return undefined;
  }
  const account = lookup(from).serviceAccount;
  if (account !== undefined) return { principals: [`cluster.local/ns/${from.namespace}/sa/${account}`] };
  warnings.push(
    `rule ${rule.id}: no service account known for ${from.namespace}/${from.name}: allowing its namespace`,
  );
  return { namespaces: [from.namespace] };
};

const operation = (rule: Rule, warnings: string[]) => {
  const ports = [String(rule.port)];
  if (rule.portEnd !== undefined)
    warnings.push(`rule ${rule.id}: Istio has no port ranges; only ${rule.port} exported`);
  if (!l7Protocols.has(rule.protocol) || rule.http === undefined) return { ports };
  const paths = rule.http.paths.map((template) => {
    const converted = istioPath(template);
    if (converted.widened)
      warnings.push(`rule ${rule.id}: ${template} widened to ${converted.path} (Istio paths)`);
    return converted.path;
  });
  return {
    ports,
    ...(rule.http.methods.length === 0 ? {} : { methods: [...new Set(rule.http.methods)].sort() }),
    ...(paths.length === 0 ? {} : { paths: [...new Set(paths)].sort() }),
  };
};

export const istioExporter: RuleExporter = {
  id: 'istio',
  title: 'Istio AuthorizationPolicy (security.istio.io/v1)',
  export(input: ExportInput) {
    const warnings: string[] = [];
    const lookup = workloadLookup(input, warnings);
    const groups = destinations(input);
    const documents: ExportedDocument[] = namespacesOf(groups).map((namespace) => ({
      comment: [`allow-nothing for ${namespace}: requests are denied unless an ALLOW policy below matches.`],
      object: {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'meshward-allow-nothing', namespace },
        spec: {},
      },
    }));
    for (const group of groups) {
      const inbound = [...rulesInto(input, group)].sort((a, b) => a.id.localeCompare(b.id));
      const rules = inbound.flatMap((rule) => {
        const from = source(rule, lookup, warnings);
        return from === undefined
          ? []
          : [{ from: [{ source: from }], to: [{ operation: operation(rule, warnings) }] }];
      });
      if (rules.length === 0) continue;
      documents.push({
        comment: [
          `${group.namespace}/${group.name}: inbound traffic learned by meshward`,
          ...provenance(inbound),
        ],
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { name: `meshward-${group.name}`, namespace: group.namespace },
          spec: { selector: { matchLabels: lookup(group).selector }, action: 'ALLOW', rules },
        },
      });
    }
    return { documents, warnings: [...new Set(warnings)] };
  },
};
