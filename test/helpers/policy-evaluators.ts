/**
 * Small evaluators of NetworkPolicy and Istio AuthorizationPolicy semantics, used to score exported
 * policies against hand-written ones on the same flows. They follow the Kubernetes NetworkPolicy
 * documentation (a pod is isolated in a direction once any policy of that type selects it; allowed
 * traffic is the union of all rules) and Istio's (no ALLOW policy → allow; otherwise a request must
 * match an ALLOW rule), for the subset of fields our policies and the corpus policies use.
 */

export type Pod = { namespace: string; labels: Record<string, string> };
type Selector = { matchLabels?: Record<string, string> } | undefined;

const selects = (selector: Selector, labels: Record<string, string>): boolean =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);

const nsLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

const peerMatches = (peer: any, pod: Pod, policyNamespace: string): boolean => {
  if (peer.ipBlock !== undefined) return false;
  const nsOk =
    peer.namespaceSelector === undefined
      ? pod.namespace === policyNamespace
      : selects(peer.namespaceSelector, nsLabels(pod.namespace));
  const podOk = peer.podSelector === undefined ? true : selects(peer.podSelector, pod.labels);
  return nsOk && podOk;
};

const portMatches = (ports: any[] | undefined, port: number, protocol: string): boolean =>
  ports === undefined ||
  ports.length === 0 ||
  ports.some(
    (p) =>
      (p.protocol ?? 'TCP') === protocol &&
      (p.port === undefined ||
        (p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort)),
  );

const directionAllows = (
  policies: any[],
  pod: Pod,
  peer: Pod,
  port: number,
  protocol: string,
  type: 'Ingress' | 'Egress',
) => {
  const key = type === 'Ingress' ? 'ingress' : 'egress';
  const peerKey = type === 'Ingress' ? 'from' : 'to';
  const applicable = policies.filter(
    (p) =>
      (p.metadata?.namespace ?? pod.namespace) === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      (p.spec.policyTypes ?? ['Ingress']).includes(type),
  );
  if (applicable.length === 0) return true;
  return applicable.some((p) =>
    (p.spec[key] ?? []).some(
      (rule: any) =>
        (rule[peerKey] === undefined ||
          rule[peerKey].length === 0 ||
          rule[peerKey].some((x: any) => peerMatches(x, peer, p.metadata?.namespace ?? pod.namespace))) &&
        portMatches(rule.ports, port, protocol),
    ),
  );
};

/** Whether NetworkPolicies allow a new connection from `src` to `dst` on a port. */
export const networkPoliciesAllow = (
  policies: any[],
  src: Pod,
  dst: Pod,
  port: number,
  protocol = 'TCP',
): boolean =>
  directionAllows(policies, src, dst, port, protocol, 'Egress') &&
  directionAllows(policies, dst, src, port, protocol, 'Ingress');

export type IstioRequest = {
  principal: string;
  namespace: string;
  labels: Record<string, string>;
  port: number;
  method: string;
  path: string;
};

const stringMatch = (pattern: string, value: string): boolean => {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
};

const anyMatch = (patterns: string[] | undefined, value: string) =>
  patterns === undefined || patterns.some((p) => stringMatch(p, value));

const ruleMatches = (rule: any, request: IstioRequest): boolean => {
  const sourceOk =
    rule.from === undefined ||
    rule.from.some(
      (f: any) =>
        anyMatch(f.source?.principals, request.principal) &&
        anyMatch(f.source?.namespaces, request.principal.split('/')[2] ?? ''),
    );
  const opOk =
    rule.to === undefined ||
    rule.to.some(
      (t: any) =>
        anyMatch(t.operation?.methods, request.method) &&
        anyMatch(t.operation?.paths, request.path) &&
        anyMatch(t.operation?.ports, String(request.port)),
    );
  return sourceOk && opOk;
};

/** Whether Istio AuthorizationPolicies (ALLOW only) allow a request. */
export const istioAllows = (policies: any[], request: IstioRequest): boolean => {
  const allows = policies.filter(
    (p) =>
      (p.spec?.action ?? 'ALLOW') === 'ALLOW' &&
      p.metadata?.namespace === request.namespace &&
      (p.spec?.selector === undefined || selects(p.spec.selector, request.labels)),
  );
  if (allows.length === 0) return true;
  return allows.some((p) => (p.spec?.rules ?? []).some((rule: any) => ruleMatches(rule, request)));
};
