/**
 * A pod reading its node's cloud instance metadata (MITRE ATT&CK T1552.005): the node role's credentials (the Capital
 * One breach: an SSRF to IMDSv1), user data and GKE's kube-env, which carry secrets, and identity tokens. Falco's
 * "Contact cloud metadata service from container" sees only the connection; the tap reads the request, so an SDK asking
 * for its region is told apart from a theft of the node's role, an IMDSv1 read from an IMDSv2 one, and a request the
 * server refuses for a missing header (what a forged request looks like) from one a real SDK sent. It reads the answers
 * too (HTTP/1.1 answers in order): credentials, a token or user data handed over (200) make the finding surer and say
 * so; with IMDS's hop limit at 1 a pod's request gets no answer, and the finding stays an attempt.
 */
import type { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { HttpRequestEvent, HttpResponseEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { type MetadataKind, type MetadataRead, metadataRead } from './metadata-services.ts';
import {
  detectorConfig,
  type FlowContext,
  noHits,
  severityOrOff,
  type Threat,
  type ThreatHit,
} from './threat.ts';

const config = detectorConfig('high', {
  /** Identity tokens the server hands a caller (GCP service account, Azure managed identity): on GKE with Workload Identity, the pod's own. */
  tokens: severityOrOff.default('medium'),
  /** Any other metadata (region, instance id), and the per-pod credential endpoints of ECS and EKS Pod Identity. */
  otherReads: severityOrOff.default('low'),
  /** Client addresses allowed to read the node's metadata, credentials included (a node agent). */
  allowClients: allowList(),
});

type Config = z.infer<typeof config>;

/** How sure the finding is that something is wrong: the surest read of an episode tells its story. */
const confidence: Record<MetadataKind, number> = {
  'node-credentials': 0.9,
  secrets: 0.85,
  'identity-token': 0.6,
  'workload-credentials': 0.4,
  other: 0.3,
};
/** The same read, answered with what it asked for. */
const answeredConfidence: Partial<Record<MetadataKind, number>> = {
  'node-credentials': 1,
  secrets: 0.95,
  'identity-token': 0.7,
};

/**
 * Per connection to a metadata service, the reads still unanswered, oldest first (a few: keep-alive SDKs). Keyed by
 * the engine's one flow object per connection, so a connection that ends unanswered (hop limit 1) takes its entry
 * with it.
 */
type State = WeakMap<FlowContext, MetadataRead[]>;
const maxPending = 16;

/** What an answer handed over, as a phrase, or undefined when it handed nothing over. */
const handedOver = (read: MetadataRead, response: HttpResponseEvent): string | undefined => {
  if (response.status !== 200 || response.body.length === 0) return undefined;
  const text = new TextDecoder().decode(response.body.subarray(0, 4096));
  const key = /"AccessKeyId"\s*:\s*"([A-Z]{4})/.exec(text);
  if (key !== null) return `temporary credentials (${key[1]}…)`;
  if (/"access_token"\s*:/.test(text)) return 'an access token';
  if (read.kind === 'identity-token' && /^eyJ/.test(text)) return 'an identity token';
  return read.kind === 'secrets' ? `${response.body.length} octets` : undefined;
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

const asked = (event: HttpRequestEvent, state: State, flow: FlowContext, c: Config): ThreatHit[] => {
  const read = metadataRead(event, flow.server.ip);
  if (read === undefined || isAllowedServer(flow.client, c.allowClients)) return noHits;
  const pending = state.get(flow);
  if (pending === undefined) state.set(flow, [read]);
  else if (pending.length < maxPending) pending.push(read);
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
};

const answered = (event: HttpResponseEvent, state: State, flow: FlowContext, c: Config): ThreatHit[] => {
  const pending = state.get(flow);
  const read = pending?.shift();
  if (pending?.length === 0) state.delete(flow);
  const sure = read === undefined || read.step === true ? undefined : answeredConfidence[read.kind];
  if (read === undefined || sure === undefined) return noHits;
  const what = handedOver(read, event);
  const severity = severityOf(read, c);
  if (what === undefined || severity === 'off') return noHits;
  return [
    {
      threat: 'instance-metadata',
      severity,
      confidence: sure,
      evidence: `${evidenceOf(read, flow.server.ip)}; it answered with ${what}`,
      ts: event.ts,
    },
  ];
};

export const instanceMetadata: Threat<typeof config, State> = {
  id: 'instance-metadata',
  on: ['http-request', 'http-response'],
  reads: [
    { ...readsRequests('http-request'), protocols: ['http'] },
    // Answers from metadata services are short: the first of each connection's are enough.
    { kind: 'http-response', directions: ['to-client'], depth: 'first', protocols: ['http'] },
  ],
  config,
  scope: 'global',
  initialState: () => new WeakMap(),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (flow === undefined) return noHits;
    if (event.kind === 'http-request' && event.direction === 'to-server') return asked(event, state, flow, c);
    if (event.kind === 'http-response') return answered(event, state, flow, c);
    return noHits;
  },
};
