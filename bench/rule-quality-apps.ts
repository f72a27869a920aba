/**
 * The true call graphs of Online Boutique and Bookinfo, derived from their manifests in the shared corpus
 * (Online Boutique: the *_ADDR env vars, resolved through each Service's targetPort and port name;
 * Bookinfo: the calls in its sources, productpage.py and reviews' LibertyRestEndpoint.java, checked
 * against the Services and Deployments the manifest declares).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ProtocolId } from '#core/protocol-id.ts';

export type TrueEdge = { from: string; to: string; port: number; protocol: ProtocolId };
export type AppWorkload = {
  name: string;
  labels: Record<string, string>;
  port: number;
  protocol: ProtocolId;
};
export type AppGraph = { app: string; namespace: string; workloads: AppWorkload[]; edges: TrueEdge[] };

type Doc = {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    ports?: { name?: string; port?: number; targetPort?: number }[];
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: {
        containers?: { env?: { name?: string; value?: string }[]; ports?: { containerPort?: number }[] }[];
      };
    };
  };
};

const protocolOf = (portName: string | undefined): ProtocolId => {
  if (portName?.startsWith('grpc')) return 'grpc';
  if (portName?.includes('redis')) return 'redis';
  return 'http';
};

/** The corpus's application manifests, beside this checkout (`../shared/corpus/apps`). */
export const corpusApps = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/corpus/apps');

const docsOf = (path: string): Doc[] =>
  parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as Doc)
    .filter((d) => d !== null);

const deploymentsOf = (docs: Doc[]) => docs.filter((d) => d.kind === 'Deployment');

/** Service name → the workload behind it (by its `app` selector), its target port and protocol. */
const servicesOf = (docs: Doc[]) => {
  const services = new Map<string, { app: string; port: number; targetPort: number; protocol: ProtocolId }>();
  for (const doc of docs.filter((d) => d.kind === 'Service')) {
    const port = doc.spec?.ports?.[0];
    const app = doc.spec?.selector?.app;
    if (port?.port === undefined || app === undefined || doc.metadata?.name === undefined) continue;
    services.set(doc.metadata.name, {
      app,
      port: port.port,
      targetPort: port.targetPort ?? port.port,
      protocol: protocolOf(port.name),
    });
  }
  return services;
};

const workloadsOf = (docs: Doc[], services: ReturnType<typeof servicesOf>): AppWorkload[] =>
  deploymentsOf(docs).map((d) => {
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const service = [...services.values()].find((s) => s.app === labels.app);
    const port =
      service?.targetPort ?? d.spec?.template?.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 0;
    return { name: d.metadata?.name ?? '', labels, port, protocol: service?.protocol ?? 'http' };
  });

/** Online Boutique: every `*_ADDR=service:port` env var of a Deployment is a call; unknown services are dropped. */
export const onlineBoutique = (
  path = `${corpusApps}/online-boutique/kubernetes-manifests.yaml`,
): AppGraph => {
  const docs = docsOf(path);
  const services = servicesOf(docs);
  const edges: TrueEdge[] = [];
  for (const deployment of deploymentsOf(docs)) {
    const env = deployment.spec?.template?.spec?.containers?.flatMap((c) => c.env ?? []) ?? [];
    for (const value of env.filter((e) => e.name?.endsWith('_ADDR')).map((e) => e.value ?? '')) {
      const service = services.get(value.split(':')[0] ?? '');
      if (service === undefined) continue;
      const edge = {
        from: deployment.metadata?.name ?? '',
        to: service.app,
        port: service.targetPort,
        protocol: service.protocol,
      };
      if (!edges.some((e) => e.from === edge.from && e.to === edge.to)) edges.push(edge);
    }
  }
  return { app: 'online-boutique', namespace: 'boutique', workloads: workloadsOf(docs, services), edges };
};

/** Bookinfo's calls, from its sources: productpage → details, reviews; reviews v2 and v3 → ratings. */
const bookinfoCalls: readonly [string, string][] = [
  ['productpage-v1', 'details'],
  ['productpage-v1', 'reviews'],
  ['reviews-v2', 'ratings'],
  ['reviews-v3', 'ratings'],
];

/**
 * Bookinfo's graph per Deployment. Traffic to `reviews` goes to one of reviews-v1/v2/v3, so the per-Deployment
 * graph has productpage → each version; grouping by the `app` label merges them into one `reviews` group.
 */
export const bookinfo = (path = `${corpusApps}/bookinfo/bookinfo.yaml`): AppGraph => {
  const docs = docsOf(path);
  const services = servicesOf(docs);
  const workloads = workloadsOf(docs, services);
  const edges: TrueEdge[] = [];
  for (const [from, service] of bookinfoCalls) {
    const target = services.get(service);
    if (target === undefined) throw new Error(`bookinfo.yaml has no Service ${service}`);
    for (const to of workloads.filter((w) => w.labels.app === target.app)) {
      edges.push({ from, to: to.name, port: target.targetPort, protocol: target.protocol });
    }
  }
  return { app: 'bookinfo', namespace: 'bookinfo', workloads, edges };
};
