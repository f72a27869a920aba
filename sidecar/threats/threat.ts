/** The threat seam: a detector reads typed events (or packet summaries) and returns findings. */
import { z } from 'zod';
import { type Endpoint, type OriginBy, type Severity, severitySchema } from '#core/finding.ts';
import type { ProtocolId, Transport } from '#core/protocol-id.ts';
import type { EngineView } from '../engine/engine-view.ts';
import type { EventRead } from '../engine/event-read.ts';
import type { ProtocolEvent, ProtocolEventKind } from '../events.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';
import { isAllowedServer } from './allowed-servers.ts';
import { type Origin, requestOrigin } from './request-origin.ts';

/**
 * Packet-level facts for volumetric and reconnaissance detectors (no payload bytes). The engine reuses one event
 * (and its endpoints) for every packet: a detector copies what it keeps past `inspect`.
 */
export type PacketEvent = {
  kind: 'packet';
  ts: number;
  transport: Transport;
  src: Endpoint;
  dst: Endpoint;
  /** TCP flags as a bit set (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, URG=32). */
  tcpFlags?: number | undefined;
  payloadLength: number;
  ipLength: number;
  icmpType?: number | undefined;
  /** IP fragment facts when the packet was a fragment. */
  fragment?: { offset: number; more: boolean; overlap: boolean } | undefined;
  /**
   * The IPv4 addresses as unsigned 32-bit numbers, when the producer has them (-1 or absent otherwise): detectors key
   * their per-packet state by these instead of joining address text (`window/packet-keys.ts`).
   */
  srcV4?: number | undefined;
  dstV4?: number | undefined;
  /** The 802.1Q VLAN id (0: untagged), when the producer has it. */
  vlan?: number | undefined;
};

/**
 * What a packet detector reads, so the runner calls it only for those packets (most packets are TCP segments of
 * established connections, which few detectors look at). A packet can be in several classes (a UDP fragment is
 * `udp` and `fragment`). `tcp-syn`: SYN without ACK; `tcp-other`: any other TCP packet; `icmp`: ICMP or ICMPv6;
 * `oversized`: an IP length past 65,535.
 */
export type PacketClass = 'tcp-syn' | 'tcp-other' | 'udp' | 'icmp' | 'fragment' | 'oversized';

/** Synthetic event a detector may subscribe to: the flow ended (lets it judge flows that never produced an event). */
export type FlowEndEvent = { kind: 'flow-end'; ts: number };

export type FlowContext = {
  transport: Transport;
  client: Endpoint;
  server: Endpoint;
  protocol: ProtocolId;
  /** What the learned rules or the port say this flow should be, when known. */
  expectedProtocol?: ProtocolId;
  /**
   * Payload bytes seen so far, when the engine tracks them (lets a detector tell an empty flow from unidentified
   * bytes). One object per flow, updated in place before each call: read it, do not keep it.
   */
  bytes?: { toServer: number; toClient: number };
  /** TCP: the handshake (SYN or SYN-ACK) was seen, so detection had the first bytes; false when picked up mid-stream. */
  handshake?: boolean;
  /** TCP, at the flow's end, when any: evasion tricks the reassembly saw and undid (both directions). */
  anomalies?: TcpAnomalies;
  /**
   * The client a load balancer's PROXY header named (the engine reads it off, ADR 25): behind a balancer, `client`
   * is the balancer and this is who connected to it. Set only by a header; what it says is the balancer's word.
   */
  origin?: Endpoint | undefined;
  /** A TLS handshake was read on the flow: its own, or after STARTTLS or an SSLRequest, or inside a tunnel. */
  tls?: boolean | undefined;
  /**
   * The protocols read inside the flow's tunnels (HTTP/1 CONNECT, SOCKS), one per layer, outermost first, as they are
   * found: `['http', 'tls']` for TLS through an HTTP CONNECT inside a SOCKS flow.
   */
  tunnelled?: readonly ProtocolId[] | undefined;
};

/** One count a detector keeps per caller: its key, and the origin its hits name (`null`: the peer's own count). */
export type Caller = { key: string; origin: Endpoint | null; by?: OriginBy };

/**
 * Whom to count a caller's failures by (ADR 25, 28): the peer the packets came from, and behind a proxy also the
 * client it names: a load balancer's PROXY header for the connection, else (HTTP) the request's forwarding header.
 * Either is the proxy's word, and any client that reaches a server directly can write one: counting by it alone would
 * let a guesser spread its attempts over forged addresses, each below the threshold, so the peer is counted too;
 * unless the peer is a trusted proxy, whose count is everyone's behind it and whose word is trusted. Callers in
 * `allowed` (addresses or CIDRs) are not counted.
 */
export const callersOf = (
  flow: FlowContext,
  event?: { kind: string },
  proxies?: TrustedProxies,
  allowed: readonly string[] = [],
): readonly Caller[] => {
  const peer: Caller = { key: flow.client.ip, origin: null };
  const named: Origin | undefined =
    flow.origin !== undefined ? { endpoint: flow.origin, by: 'proxy-header' } : requestOrigin(event, proxies);
  const callers: Caller[] = [];
  const trustedPeer = named !== undefined && proxies?.has(flow.client.ip) === true;
  if (!trustedPeer && !isAllowedServer(flow.client, allowed)) callers.push(peer);
  if (named !== undefined && !isAllowedServer(named.endpoint, allowed))
    callers.push({ key: `via ${named.endpoint.ip}`, origin: named.endpoint, by: named.by });
  return callers;
};

/** Counts of what a client (or server) did that Linux undoes and a naive inspector would be fooled by (docs/evasion.md). */
export type TcpAnomalies = {
  /** Overlapping segments whose bytes differed. */
  conflicts: number;
  /** Resets without the next sequence number (the receiver drops them). */
  ignoredResets: number;
  /** FINs before bytes already delivered. */
  staleFins: number;
  /** Octets sent as urgent data (out of band on Linux). */
  urgentOctets: number;
  /** Segments with a timestamp older than one already accepted (PAWS: the receiver drops them). */
  pawsDrops: number;
  /** Segments with a bad checksum from a sender whose checksums were valid (the receiver drops them). */
  badChecksums: number;
  /** Segments the receiver discards for their flags: data without ACK, data on a stray SYN. */
  badFlags: number;
  /**
   * Copies the receiver refused, whose octets then came in a segment it took (held-aside.ts): past the receive window
   * (window-check.ts), with an ACK of data it never sent or too old (ack-check.ts), with a TCP MD5 or AO option on a
   * connection that does not sign (auth-option-check.ts).
   */
  windowDrops: number;
  ackDrops: number;
  authDrops: number;
};

/** Every count zero: a flow's starting point. */
export const noTcpAnomalies = (): TcpAnomalies => ({
  conflicts: 0,
  ignoredResets: 0,
  staleFins: 0,
  urgentOctets: 0,
  pawsDrops: 0,
  badChecksums: 0,
  badFlags: 0,
  windowDrops: 0,
  ackDrops: 0,
  authDrops: 0,
});

/** How many tricks, of every kind. */
export const anomalyCount = (a: TcpAnomalies): number =>
  a.conflicts +
  a.ignoredResets +
  a.staleFins +
  a.urgentOctets +
  a.pawsDrops +
  a.badChecksums +
  a.badFlags +
  a.windowDrops +
  a.ackDrops +
  a.authDrops;

/** A detector's raw result; the engine turns it into a core ThreatFinding and suppresses duplicates. */
export type ThreatHit = {
  threat: string;
  severity: Severity;
  confidence: number;
  evidence: string;
  ts: number;
  /** How many occurrences this hit stands for (an episode of a flood). */
  count?: number;
  /** Override the flow's endpoints (e.g. a scan's source and a representative target). */
  client?: Endpoint;
  server?: Endpoint;
  /** The transport, for a hit with no flow or packet behind it (one from `tick`). */
  transport?: Transport;
  /**
   * The client behind a proxy this hit is about (ADR 25, 28). Left out: the flow's PROXY header's, else the request's
   * forwarding header's, when the hit is about the flow's client; `null`: none, the hit is about the peer itself (a
   * count by the address the packets came from).
   */
  origin?: Endpoint | null;
  /** Who named `origin`, when the hit gives one ('proxy-header' when left out). */
  originBy?: OriginBy | undefined;
};

/**
 * What `inspect` and `tick` are given besides the event and state: the flow (event detectors), the validated config,
 * and the engine's view when the detector runs inside an engine (absent when it is run on bare events).
 */
export type ThreatContext<Config> = {
  flow?: FlowContext;
  config: Config;
  engine?: EngineView;
  /** The proxies whose forwarding headers are read a hop further (ADR 28); none when left out. */
  proxies?: TrustedProxies;
};

export type Threat<Config extends z.ZodType = z.ZodType, State = unknown> = {
  id: string;
  on: readonly (ProtocolEventKind | 'packet' | 'flow-end')[];
  /**
   * How far it reads the event kinds of `on` (directions and depth), so the engine parses only that far (ADR 0009).
   * A kind of `on` not listed here is read in both directions to the end of the flow.
   */
  reads?: readonly EventRead[];
  /**
   * With `on: ['packet']`: the packets `inspect` reads; it is not called for others, so for them it must return no
   * hits and leave its state as it was. Absent: every packet.
   */
  packets?: readonly PacketClass[];
  config: Config;
  /** Creates the detector's state: per flow for event detectors, global for packet detectors. */
  initialState(): State;
  scope: 'flow' | 'global';
  /**
   * Global detectors: which hits are one episode (one finding). `address` (the default): per client and server
   * address, so a scan or a flood over many ports is one finding. `service`: per client and server address and port,
   * so password guessing against two services of one host (its database and its mail server) is two findings.
   */
  episodes?: 'address' | 'service';
  inspect(
    event: ProtocolEvent | PacketEvent | FlowEndEvent,
    state: State,
    context: ThreatContext<z.infer<Config>>,
  ): ThreatHit[];
  /** Global detectors: called about once a second of capture time (`now`, ms), to judge what no packet brings. */
  tick?(now: number, state: State, context: ThreatContext<z.infer<Config>>): ThreatHit[];
};

/** A policy key that is a severity, or `off` for a part of a detector a team does not want reported. */
export const severityOrOff = z.union([severitySchema, z.literal('off')]);

/** Every detector's YAML has `enabled` and `severity`; detectors add their thresholds to this base. */
export const detectorConfig = <Shape extends z.ZodRawShape>(severity: Severity, shape: Shape) =>
  z.strictObject({
    enabled: z.boolean().default(true),
    severity: severitySchema.default(severity),
    ...shape,
  });

/** The shared "nothing found" result: detectors run per packet, so they should not allocate an empty array each time. */
export const noHits: ThreatHit[] = Object.freeze([]) as unknown as ThreatHit[];
