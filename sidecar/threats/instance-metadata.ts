/**
 * A pod reading its node's cloud instance metadata (MITRE ATT&CK T1552.005): the node role's credentials (the Capital
 * One breach: an SSRF to IMDSv1), user data and GKE's kube-env, which carry secrets, and identity tokens. Falco's
 * "Contact cloud metadata service from container" sees only the connection; the tap reads the request, so an SDK asking
 * for its region is told apart from a theft of the node's role, an IMDSv1 read from an IMDSv2 one, and a request the
 * server refuses for a missing header (what a forged request looks like) from one a real SDK sent.
 */
import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';
import { readsRequests } from '../engine/event-read.ts';
import { isAllowedServer } from './allowed-servers.ts';
import { type MetadataKind, type MetadataRead, metadataRead } from './metadata-services.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const severityOrOff = z.union([severitySchema, z.literal('off')]);

const config = detectorConfig('high', {
  /** Identity tokens the server hands a caller (GCP service account, Azure managed identity): on GKE with Workload Identity, the pod's own. */
  tokens: severityOrOff.default('medium'),
  /** Any other metadata (region, instance id), and the per-pod credential endpoints of ECS and EKS Pod Identity. */
  otherReads: severityOrOff.default('low'),
  /** Client addresses allowed to read the node's metadata, credentials included (a node agent). */
  allowClients: z.array(z.string()).default([]),
});

type Config = z.infer<typeof config>;

/** How sure the finding is that something is wrong: the surest read of an episode tells its story. */
const confidence: Record<MetadataKind, number> = {
  'node-credentials': 1,
  secrets: 0.95,
  'identity-token': 0.6,
  'workload-credentials': 0.4,
  other: 0.3,
};

const severityOf = (read: MetadataRead, c: Config): ThreatHit['severity'] | 'off' => {
  if (read.kind === 'node-credentials' || read.kind === 'secrets' || read.refused !== undefined)
    return c.severity;
  return read.kind === 'identity-token' ? c.tokens : c.otherReads;
};

const evidenceOf = (read: MetadataRead, server: string): string => {
  const how = read.v1 === true ? ', with IMDSv1 (no session token)' : '';
  const refused = read.refused === undefined ? '' : `, with ${read.refused}: a forged request (SSRF)?`;
  const advice =
    read.kind === 'node-credentials'
      ? ': a pod must not hold its node role (block IMDS from pods, or a hop limit of 1)'
      : '';
  return `asked ${read.service} at ${server} for ${read.what}${how}${refused}${advice}`;
};

export const instanceMetadata: Threat<typeof config, undefined> = {
  id: 'instance-metadata',
  on: ['http-request'],
  reads: [{ ...readsRequests('http-request'), protocols: ['http'] }],
  config,
  scope: 'global',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'http-request' || event.direction !== 'to-server' || flow === undefined) return noHits;
    const read = metadataRead(event, flow.server.ip);
    if (read === undefined || isAllowedServer(flow.client, c.allowClients)) return noHits;
    const severity = severityOf(read, c);
    if (severity === 'off') return noHits;
    return [
      {
        threat: 'instance-metadata',
        severity,
        // A request the server refuses for a missing header was not sent by a metadata client library.
        confidence: Math.max(
          confidence[read.kind] * (read.step === true ? 0.9 : 1),
          read.refused === undefined ? 0 : 0.9,
        ),
        evidence: evidenceOf(read, flow.server.ip),
        ts: event.ts,
      },
    ];
  },
};
