/**
 * A TURN server used as a proxy into the network it sits in: a client asking it to relay to its own host (loopback,
 * the unspecified addresses), to link-local addresses (cloud instance metadata above all), or to the cluster's own
 * ranges, with CreatePermission, ChannelBind, a Send indication or RFC 6062's Connect (Enable Security, "How we abused
 * Slack's TURN servers to gain access to internal services", 2020, found in 2017; coturn's CVE-2020-26262, 0.0.0.0
 * and [::] past its loopback rule, and CVE-2026-27624, `::ffff:127.0.0.1` past its denied ranges). Judged on the
 * `turnPeer` steps the stun parser tells (stun-session.ts): an attempt, refused or unanswered, is `attempts` (high);
 * the server granting it or data relayed with it is `severity` (critical); a peer in `internalRanges` is `internal`
 * (medium), `internalRelayed` (high) once granted or relayed. One hit per flow, peer kind and outcome (asked, refused,
 * reached); the runner keeps a flow's surest. Public peers, what TURN is for, are never told.
 */
import { z } from 'zod';
import { parseCidr } from '#core/cidr.ts';
import { readsEvery } from '../engine/event-read.ts';
import type { TurnPeer } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import {
  detectorConfig,
  type FlowContext,
  noHits,
  severityOrOff,
  type Threat,
  type ThreatHit,
} from './threat.ts';
import { type PeerKind, peerKind } from './turn-peer-kind.ts';

const cidrEntry = z.string().refine((entry) => parseCidr(entry) !== undefined, {
  error: (issue) => `"${String(issue.input)}" is not a CIDR (address/bits)`,
});

/**
 * RFC 1918, RFC 6598's shared space (100.64.0.0/10: carrier NAT, and the pod or node ranges of some clusters and
 * overlays) and RFC 4193's unique local IPv6: where pod, Service and node networks are numbered. A team adds its
 * own public ranges; a media relay meant to reach private peers goes in `allowPeers` or `allowClients`.
 */
const defaultInternal = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

const config = detectorConfig('critical', {
  /** Asking for the server's own host, link-local or metadata, refused or unanswered. */
  attempts: severityOrOff.default('high'),
  /** Asking for a peer in `internalRanges`, refused or unanswered. */
  internal: severityOrOff.default('medium'),
  /** A peer in `internalRanges` the server granted, or data relayed with it. */
  internalRelayed: severityOrOff.default('high'),
  internalRanges: z.array(cidrEntry).default(defaultInternal),
  /** Peers a TURN server may relay to whatever they are: an address, address:port, CIDR or CIDR:port. */
  allowPeers: allowList(),
  /** Clients allowed to ask for any peer (a media server of the cluster's own). */
  allowClients: allowList(),
});

type Config = z.infer<typeof config>;
/** Per flow: the `kind|outcome` pairs already told (asked, refused, reached). */
type State = Set<string>;

const done = (step: TurnPeer['step']): boolean => step === 'granted' || step === 'relayed';

const severityOf = (kind: PeerKind, reached: boolean, c: Config): ThreatHit['severity'] | 'off' => {
  if (kind.kind === 'internal') return reached ? c.internalRelayed : c.internal;
  return reached ? c.severity : c.attempts;
};

/** A refusal tells more than the request alone, a grant or relayed data most: the runner keeps the surest story. */
const confidenceOf = (kind: PeerKind, step: TurnPeer['step']): number => {
  const base = kind.kind === 'internal' ? 0.5 : 0.9;
  if (done(step)) return kind.kind === 'internal' ? 0.75 : 1;
  return step === 'refused' ? base + 0.02 : base;
};

const outcome = (peer: TurnPeer): string => {
  if (peer.step === 'granted') return 'the server granted it';
  if (peer.step === 'relayed') return `data was relayed (${peer.method})`;
  if (peer.step === 'refused')
    return `the server refused it${peer.error === undefined ? '' : ` (${peer.error})`}`;
  return 'no answer seen yet';
};

const evidenceOf = (peer: TurnPeer, kind: PeerKind, flow: FlowContext | undefined): string => {
  const address = peer.ip.includes(':') ? `[${peer.ip}]:${peer.port}` : `${peer.ip}:${peer.port}`;
  const server =
    flow === undefined ? 'a TURN server' : `the TURN server ${flow.server.ip}:${flow.server.port}`;
  return `a client asked ${server} to relay to ${address}, ${kind.what}, with ${peer.method}: ${outcome(peer)}`;
};

export const turnRelayAbuse: Threat<typeof config, State> = {
  id: 'turn-relay-abuse',
  on: ['operation'],
  // Peers are named and data relayed at any point of a TURN session: every operation, both ways, of stun flows only.
  reads: [{ ...readsEvery('operation'), protocols: ['stun'] }],
  config,
  scope: 'flow',
  initialState: () => new Set(),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation') return noHits;
    const peer = event.turnPeer;
    if (peer === undefined) return noHits;
    const kind = peerKind(peer.ip, c.internalRanges);
    if (
      kind === undefined ||
      isAllowedServer(peer, c.allowPeers) ||
      isAllowedServer(flow?.client, c.allowClients)
    )
      return noHits;
    const reached = done(peer.step);
    const key = `${kind.kind}|${reached ? 'reached' : peer.step}`;
    const severity = severityOf(kind, reached, c);
    if (state.has(key) || severity === 'off') return noHits;
    state.add(key);
    return [
      {
        threat: 'turn-relay-abuse',
        severity,
        confidence: confidenceOf(kind, peer.step),
        evidence: evidenceOf(peer, kind, flow),
        ts: event.ts,
      },
    ];
  },
};
