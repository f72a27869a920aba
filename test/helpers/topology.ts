/**
 * The true call graphs of two real applications, derived from their own manifests in
 * ../shared/corpus/apps: Online Boutique from each Deployment's `*_ADDR` env vars resolved through
 * its Services (Service port → targetPort → container port), Bookinfo from Istio's documentation
 * of the sample (productpage → details, reviews; reviews v2/v3 → ratings), all over HTTP GET.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Rule } from '#core/rule.ts';
import type { ExportWorkload } from '#functions/export/export-input.ts';

export const corpusApps = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'apps');

export type Edge = {
  from: string;
  to: string;
  port: number;
  protocol: ProtocolId;
  methods?: string[];
  paths?: string[];
};
export type Topology = {
  namespace: string;
  workloads: (ExportWorkload & { ports: number[] })[];
  edges: Edge[];
};

type K8sObject = { kind?: string; metadata?: { name?: string }; spec?: Record<string, any> };

const load = (file: string): K8sObject[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null && typeof doc === 'object');

const containerPorts = (deployment: K8sObject): { port: number; name?: string }[] =>
  (deployment.spec?.template?.spec?.containers ?? []).flatMap((c: any) =>
    (c.ports ?? []).map((p: any) => ({ port: p.containerPort, name: p.name })),
  );

/** Service port → container port of the selected Deployment, as kube-proxy would forward it. */
const resolveService = (services: K8sObject[], deployments: K8sObject[], name: string, port: number) => {
  const service = services.find((s) => s.metadata?.name === name);
  if (service === undefined) return undefined;
  const selector = service.spec?.selector ?? {};
  const target = deployments.find((d) =>
    Object.entries(selector).every(([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v),
  );
  const servicePort = (service.spec?.ports ?? []).find((p: any) => p.port === port);
  if (target === undefined || servicePort === undefined) return undefined;
  const targetPort = servicePort.targetPort ?? servicePort.port;
  const resolved =
    typeof targetPort === 'number'
      ? targetPort
      : containerPorts(target).find((p) => p.name === targetPort)?.port;
  return resolved === undefined ? undefined : { workload: String(target.metadata?.name), port: resolved };
};

/** Edges from one Deployment's `*_ADDR` env vars (`host:port`), resolved through the Services. */
const edgesOf = (deployment: K8sObject, services: K8sObject[], deployments: K8sObject[]): Edge[] => {
  const env = (deployment.spec?.template?.spec?.containers ?? []).flatMap((c: any) => c.env ?? []);
  return env.flatMap((variable: any): Edge[] => {
    const match = /^([a-z0-9-]+):(\d+)$/.exec(String(variable.value ?? ''));
    if (!String(variable.name).endsWith('_ADDR') || match === null) return [];
    const target = resolveService(services, deployments, match[1] ?? '', Number(match[2]));
    if (target === undefined) return [];
    const protocol: ProtocolId =
      target.workload === 'redis-cart' ? 'redis' : target.workload === 'frontend' ? 'http' : 'grpc';
    return [{ from: String(deployment.metadata?.name), to: target.workload, port: target.port, protocol }];
  });
};

export const onlineBoutique = (): Topology => {
  const objects = load(join(corpusApps, 'online-boutique', 'kubernetes-manifests.yaml'));
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const services = objects.filter((o) => o.kind === 'Service');
  const edges = deployments.flatMap((deployment) => edgesOf(deployment, services, deployments));
  const workloads = deployments.map((d) => ({
    namespace: 'default',
    name: String(d.metadata?.name),
    selector: d.spec?.selector?.matchLabels ?? {},
    serviceAccount: d.spec?.template?.spec?.serviceAccountName ?? 'default',
    ports: containerPorts(d).map((p) => p.port),
  }));
  return { namespace: 'default', workloads, edges };
};

export const bookinfo = (): Topology => {
  const objects = load(join(corpusApps, 'bookinfo', 'bookinfo.yaml'));
  const accounts = new Map<string, string>();
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    accounts.set(d.spec?.template?.metadata?.labels?.app, d.spec?.template?.spec?.serviceAccountName);
  }
  const app = (name: string) => ({
    namespace: 'default',
    name,
    selector: { app: name },
    serviceAccount: accounts.get(name) ?? 'default',
    ports: [9080],
  });
  const get = (from: string, to: string, path: string): Edge => ({
    from,
    to,
    port: 9080,
    protocol: 'http',
    methods: ['GET'],
    paths: [path],
  });
  return {
    namespace: 'default',
    workloads: ['productpage', 'details', 'reviews', 'ratings'].map(app),
    edges: [
      get('productpage', 'details', '/details/{id}'),
      get('productpage', 'reviews', '/reviews/{id}'),
      get('reviews', 'ratings', '/ratings/{id}'),
    ],
  };
};

/** The rules a perfect learner would produce for a topology. */
export const rulesOf = (topology: Topology): Rule[] =>
  topology.edges.map((edge) => ({
    id: `${edge.from}-${edge.to}-${edge.port}`,
    from: { type: 'group', namespace: topology.namespace, name: edge.from },
    to: { type: 'group', namespace: topology.namespace, name: edge.to },
    transport: 'tcp',
    port: edge.port,
    protocol: edge.protocol,
    ...(edge.methods === undefined ? {} : { http: { methods: edge.methods, paths: edge.paths ?? [] } }),
    source: 'learned',
    hits: 100,
    firstSeen: '2026-11-26T10:00:00.000Z',
    lastSeen: '2026-11-26T11:00:00.000Z',
  }));
