/**
 * A pod talking to the cluster's etcd (MITRE ATT&CK T1552.007, T1613): reading Kubernetes Secrets straight from the
 * database past RBAC and audit logs, writing cluster state past admission control (a pod object put into etcd never
 * meets Kyverno, Gatekeeper or Pod Security), or taking a snapshot of all of it. Only the API server and etcd's own
 * members should speak to it; an etcd reachable from pods without client certificates is a known misconfiguration
 * (kube-hunter and Peirates look for it). Read from the requests themselves: gRPC (etcd v3), its JSON gateway, v2.
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { type EtcdKind, etcdCall } from './etcd-request.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** Other Kubernetes objects read (pods, config maps, service accounts). */
  clusterReads: severityOrOff.default('high'),
  /** A snapshot of the whole database (a backup job's, or a thief's). */
  snapshots: severityOrOff.default('high'),
  /** Anything else: keys outside the prefixes (apps run their own etcd: APISIX, Patroni, CoreDNS), status, leases. */
  otherCalls: severityOrOff.default('off'),
  /** Where the API server keeps objects (`--etcd-prefix`): `/registry/` by default, `/kubernetes.io/` on OpenShift. */
  prefixes: z
    .array(z.string().regex(/^\/.*\/$/, 'a key prefix starts and ends with /'))
    .default(['/registry/', '/kubernetes.io/']),
  /** Clients allowed to speak to etcd (a backup job's pod): an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowClients: allowList(),
});

type Config = z.infer<typeof config>;

const confidence: Record<EtcdKind, number> = {
  secrets: 1,
  write: 0.95,
  snapshot: 0.9,
  'cluster-read': 0.8,
  other: 0.5,
};

const severityOf = (kind: EtcdKind, c: Config): ThreatHit['severity'] | 'off' => {
  if (kind === 'secrets' || kind === 'write') return c.severity;
  if (kind === 'snapshot') return c.snapshots;
  return kind === 'cluster-read' ? c.clusterReads : c.otherCalls;
};

const consequence: Record<EtcdKind, string> = {
  secrets: ': past RBAC and the audit log',
  write: ': past admission control and RBAC',
  snapshot: ': every Secret of the cluster with it',
  'cluster-read': ': past RBAC and the audit log',
  other: '',
};

export const etcdAccess: Threat<typeof config, undefined> = {
  id: 'etcd-access',
  on: ['http-request'],
  reads: [{ ...readsRequests('http-request'), protocols: ['http', 'http2', 'grpc'] }],
  config,
  scope: 'global',
  // One finding per pod and etcd endpoint.
  episodes: 'service',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'http-request' || event.direction !== 'to-server' || flow === undefined) return noHits;
    const call = etcdCall(event, c.prefixes);
    if (call === undefined || isAllowedServer(flow.client, c.allowClients)) return noHits;
    const severity = severityOf(call.kind, c);
    if (severity === 'off') return noHits;
    return [
      {
        threat: 'etcd-access',
        severity,
        confidence: confidence[call.kind],
        evidence: `${call.what} in etcd at ${flow.server.ip}:${flow.server.port}${consequence[call.kind]}`,
        ts: event.ts,
      },
    ];
  },
};
