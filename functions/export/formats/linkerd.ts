/** Linkerd policy: a Server per workload port, HTTPRoutes for learned paths, and who may call them. */
import type { Rule } from '#core/rule.ts';
import {
  destinations,
  type ExportInput,
  type GroupPeer,
  provenance,
  rulesInto,
  workloadLookup,
} from '../export-input.ts';
import type { ExportedDocument, RuleExporter } from '../exporter.ts';
import { gatewayPathMatch } from '../path-pattern.ts';

type Lookup = ReturnType<typeof workloadLookup>;

const proxyProtocol: Record<string, string> = { http: 'HTTP/1', http2: 'HTTP/2', grpc: 'gRPC' };
const policyGroup = 'policy.linkerd.io';

const doc = (
  kind: string,
  apiVersion: string,
  name: string,
  namespace: string,
  spec: unknown,
  comment: string[] = [],
): ExportedDocument => ({
  comment,
  object: { apiVersion, kind, metadata: { name, namespace }, spec },
});

const authentication = (
  name: string,
  namespace: string,
  rules: Rule[],
  lookup: Lookup,
  warnings: string[],
): ExportedDocument[] => {
  const identities = new Map<string, { kind: string; name: string; namespace: string }>();
  const networks = new Set<string>();
  for (const rule of rules) {
    if (rule.from.type === 'cidr') networks.add(rule.from.cidr);
    else if (rule.from.type === 'group') {
      const account = lookup(rule.from).serviceAccount ?? 'default';
      if (lookup(rule.from).serviceAccount === undefined)
        warnings.push(`rule ${rule.id}: no service account for ${rule.from.name}; using default`);
      identities.set(`${rule.from.namespace}/${account}`, {
        kind: 'ServiceAccount',
        name: account,
        namespace: rule.from.namespace,
      });
    } else
      warnings.push(
        `rule ${rule.id}: Linkerd cannot authorise a source by name (${rule.from.fqdn}); skipped`,
      );
  }
  const docs: ExportedDocument[] = [];
  if (identities.size > 0) {
    const identityRefs = [...identities.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, ref]) => ref);
    docs.push(doc('MeshTLSAuthentication', `${policyGroup}/v1alpha1`, name, namespace, { identityRefs }));
  }
  if (networks.size > 0) {
    docs.push(
      doc('NetworkAuthentication', `${policyGroup}/v1alpha1`, `${name}-net`, namespace, {
        networks: [...networks].sort().map((cidr) => ({ cidr })),
      }),
    );
  }
  return docs;
};

const routeRules = (rules: Rule[]) =>
  rules.flatMap((rule) => {
    const methods = rule.http?.methods.length ? [...new Set(rule.http.methods)].sort() : [undefined];
    const paths = rule.http?.paths.length ? [...new Set(rule.http.paths)].sort() : [undefined];
    return methods.flatMap((method) =>
      paths.map((path) => ({
        ...(path === undefined ? {} : { path: gatewayPathMatch(path) }),
        ...(method === undefined ? {} : { method }),
      })),
    );
  });

const portDocuments = (
  group: GroupPeer,
  port: number,
  rules: Rule[],
  lookup: Lookup,
  warnings: string[],
): ExportedDocument[] => {
  const name = `meshward-${group.name}-${port}`;
  const protocol = proxyProtocol[rules[0]?.protocol ?? ''] ?? 'opaque';
  const server = doc(
    'Server',
    `${policyGroup}/v1beta3`,
    name,
    group.namespace,
    {
      podSelector: { matchLabels: lookup(group).selector },
      port,
      proxyProtocol: protocol,
    },
    [`${group.namespace}/${group.name} port ${port}: learned by meshward`, ...provenance(rules)],
  );
  const auth = authentication(name, group.namespace, rules, lookup, warnings);
  const hasRoutes = protocol !== 'opaque' && rules.some((rule) => rule.http !== undefined);
  const route = hasRoutes
    ? [
        doc('HTTPRoute', `${policyGroup}/v1beta3`, name, group.namespace, {
          parentRefs: [{ group: policyGroup, kind: 'Server', name }],
          rules: [{ matches: routeRules(rules) }],
        }),
      ]
    : [];
  const target = hasRoutes
    ? { group: policyGroup, kind: 'HTTPRoute', name }
    : { group: policyGroup, kind: 'Server', name };
  const refs = auth.map((entry) => ({
    group: policyGroup,
    kind: String(entry.object.kind),
    name: String((entry.object.metadata as { name: string }).name),
  }));
  const policies = refs.map((ref) =>
    doc(
      'AuthorizationPolicy',
      `${policyGroup}/v1alpha1`,
      `${ref.name}-${ref.kind === 'NetworkAuthentication' ? 'net' : 'mtls'}`,
      group.namespace,
      {
        targetRef: target,
        requiredAuthenticationRefs: [ref],
      },
    ),
  );
  return [server, ...route, ...auth, ...policies];
};

export const linkerdExporter: RuleExporter = {
  id: 'linkerd',
  title: 'Linkerd Server, HTTPRoute and AuthorizationPolicy (policy.linkerd.io)',
  export(input: ExportInput) {
    const warnings: string[] = [];
    const lookup = workloadLookup(input, warnings);
    const documents: ExportedDocument[] = [];
    for (const group of destinations(input)) {
      const byPort = new Map<number, Rule[]>();
      for (const rule of [...rulesInto(input, group)].sort((a, b) => a.id.localeCompare(b.id))) {
        byPort.set(rule.port, [...(byPort.get(rule.port) ?? []), rule]);
      }
      for (const [port, rules] of [...byPort.entries()].sort(([a], [b]) => a - b)) {
        documents.push(...portDocuments(group, port, rules, lookup, warnings));
      }
    }
    return { documents, warnings: [...new Set(warnings)] };
  },
};
