/** Runs the threat detectors as an engine observer: routes events and packets, keeps per-flow state, merges hits into findings. */
import type { Endpoint, OriginBy, ThreatFinding } from '#core/finding.ts';
import type { ProtocolId } from '#core/protocol-id.ts';
import type { EngineView } from '../engine/engine-view.ts';
import { type EventRead, readsEvery } from '../engine/event-read.ts';
import type { EngineObserver, ObservedFlow } from '../engine-observer.ts';
import type { ProtocolEvent } from '../events.ts';
import { noTrustedProxies, type TrustedProxies } from '../protocols/trusted-proxies.ts';
import { threats as registered } from './index.ts';
import { loadThreatConfigs } from './load-threat-configs.ts';
import { requestOrigin } from './request-origin.ts';
import { redactEvidence } from './text/redact-evidence.ts';
import {
  type FlowContext,
  type FlowEndEvent,
  noHits,
  type PacketClass,
  type PacketEvent,
  type Threat,
  type ThreatHit,
} from './threat.ts';
import { detectorStates } from './window/detector-states.ts';
import { findingEpisodes } from './window/finding-episodes.ts';
import { packetClasses, packetClassMask, packetClassMasks } from './window/packet-classes.ts';

// biome-ignore lint/suspicious/noExplicitAny: detectors differ in config and state types; the runner treats them uniformly.
type AnyThreat = Threat<any, any>;
/** A detector with its validated config, and the context objects packets and events reuse (no allocation per call). */
type Armed = {
  threat: AnyThreat;
  config: Record<string, unknown>;
  bare: { config: Record<string, unknown>; engine?: EngineView; proxies: TrustedProxies };
  /** Its state is undefined everywhere (learned on the first call): no per-flow lookup. */
  stateless: boolean;
  /** Refilled with the event's flow for each call (detectors do not keep the context). */
  withFlow:
    | { flow: ObservedFlow; config: Record<string, unknown>; engine?: EngineView; proxies: TrustedProxies }
    | undefined;
  /** A global detector's one state, resolved once instead of looked up per packet. */
  global: unknown;
  /** The packet classes it reads, as bits (`Threat.packets`); undefined: every packet. */
  packets: number | undefined;
  /** Its slot in the per-flow states, resolved on its first call (`DetectorStates.slotOf`). */
  slot: number;
  /**
   * The protocols whose events of this kind it reads, when every read it declares for the kind names them: events of
   * other protocols' flows are not handed to it (a Kerberos detector is not called for every AMQP operation).
   */
  protocols: ReadonlySet<string> | undefined;
};
type Observed = ProtocolEvent | PacketEvent | FlowEndEvent;

export type ThreatRunnerOptions = {
  threats?: readonly AnyThreat[];
  /** Raw configuration per detector id (as in its YAML); wins over files. */
  configs?: Record<string, unknown>;
  /** Directory of `<id>.yaml` files; `false` to use built-in defaults only. Defaults to `policies/threats/`. */
  policyDir?: string | false;
  /** A hit later than this after the last one starts a new episode (a new finding). */
  episodeGapMs?: number;
  maxFlows?: number;
  /**
   * What the learned rules say a flow should carry, asked once per flow that does not say already; protocol-mismatch
   * judges against it (and falls back to the server port's protocol). The tap plugs its rules in here.
   */
  expectProtocol?: (flow: FlowContext) => ProtocolId | undefined;
  /**
   * Proxies whose forwarding headers are read a hop further (ADR 28): an ingress controller's and a mesh sidecar's
   * addresses. None by default: a request's forwarding header is read one hop deep.
   */
  trustedProxies?: TrustedProxies;
};

export type ThreatRunnerStats = { events: number; packets: number; hits: number; errors: number };
export type ThreatRunner = Required<
  Pick<EngineObserver, 'onPacket' | 'onEvent' | 'onFlowEnd' | 'reads' | 'attach' | 'onTick'>
> &
  Pick<EngineObserver, 'packets'> & {
    drain(now: number): ThreatFinding[];
    stats(): ThreatRunnerStats;
  };

const unknownEndpoint: Endpoint = { ip: '0.0.0.0', port: 0 };
const iso = (ts: number): string => new Date(Number.isFinite(ts) && ts >= 0 ? ts : 0).toISOString();

/** The engine reuses one packet event: a finding keeps copies of its endpoints. */
const endpointOf = (endpoint: Endpoint | undefined): Endpoint | undefined =>
  endpoint === undefined ? undefined : { ip: endpoint.ip, port: endpoint.port };

/** The core finding for a hit: endpoints from the hit, else the flow, else the packet; evidence redacted. */
const toFinding = (
  hit: ThreatHit,
  event: Observed,
  flow: ObservedFlow | undefined,
  proxies: TrustedProxies,
): ThreatFinding => {
  const packet = event.kind === 'packet' ? event : undefined;
  return {
    type: 'threat',
    threat: hit.threat,
    severity: hit.severity,
    confidence: Math.min(1, Math.max(0, hit.confidence)),
    transport: flow?.transport ?? packet?.transport ?? hit.transport ?? 'other',
    client: hit.client ?? flow?.client ?? endpointOf(packet?.src) ?? unknownEndpoint,
    server: hit.server ?? flow?.server ?? endpointOf(packet?.dst) ?? unknownEndpoint,
    protocol: flow?.protocol ?? 'unknown',
    evidence: redactEvidence(hit.evidence),
    firstSeen: iso(hit.ts),
    lastSeen: iso(hit.ts),
    count: Math.max(1, Math.round(hit.count ?? 1)),
    ...(originOf(hit, event, flow, proxies) ?? {}),
  };
};

/**
 * The client behind a proxy (ADR 25, 28, 29), for a finding about the flow's client; not for one whose client is
 * someone else (a peer-to-peer finding about the flow's server). The hit's, else the connection's PROXY header's (the
 * peer's own word), else the forwarding header's of the request the event belongs to (an HTTP request or response, a
 * gRPC call, a WebSocket message's upgrade).
 */
const originOf = (
  hit: ThreatHit,
  event: Observed,
  flow: ObservedFlow | undefined,
  proxies: TrustedProxies,
): { origin: Endpoint; originBy: OriginBy } | undefined => {
  if (hit.origin === null) return undefined;
  const about = hit.client;
  if (about !== undefined && (about.ip !== flow?.client.ip || about.port !== flow.client.port))
    return undefined;
  if (hit.origin !== undefined)
    return { origin: { ip: hit.origin.ip, port: hit.origin.port }, originBy: hit.originBy ?? 'proxy-header' };
  if (flow?.origin !== undefined)
    return { origin: { ip: flow.origin.ip, port: flow.origin.port }, originBy: 'proxy-header' };
  const named = requestOrigin(event, proxies);
  return named === undefined ? undefined : { origin: named.endpoint, originBy: named.by };
};

/**
 * Flow detectors merge per flow; global ones (floods, scans, tunnels) per client and server address, or per service
 * (address and port) when they say so (password guessing: one finding per attacked service).
 */
const episodeKey = (threat: AnyThreat, finding: ThreatFinding, flow: ObservedFlow | undefined): string => {
  if (threat.scope === 'flow' && flow !== undefined) return `${finding.threat}|${flow.key}`;
  const service = threat.episodes === 'service' ? `:${finding.server.port}` : '';
  // Behind a proxy, callers are told apart by the client it names (ADR 25, 28); `via` keeps an origin's episode
  // apart from a peer's with the same address.
  const caller = finding.origin === undefined ? finding.client.ip : `via ${finding.origin.ip}`;
  return `${finding.threat}|${caller}|${finding.server.ip}${service}`;
};

/** The protocols a detector reads a kind from, when each of its reads of that kind names them; else undefined. */
const protocolsRead = (threat: AnyThreat, kind: string): ReadonlySet<string> | undefined => {
  const reads = (threat.reads ?? []).filter((read) => read.kind === kind);
  if (reads.length === 0 || reads.some((read) => read.protocols === undefined)) return undefined;
  return new Set(reads.flatMap((read) => read.protocols ?? []));
};

const noLayers: readonly string[] = [];

/** A detector that reads only some protocols reads a flow of one, or one whose tunnels carry one at any layer. */
const readsFlow = (protocols: ReadonlySet<string>, flow: ObservedFlow | undefined): boolean => {
  if (flow === undefined) return false;
  if (protocols.has(flow.protocol)) return true;
  const layers = flow.tunnelled ?? noLayers;
  for (let i = 0; i < layers.length; i++) if (protocols.has(layers[i] as string)) return true;
  return false;
};

/** Enabled detectors with their validated configuration, grouped by the event kinds they read. */
const route = (options: ThreatRunnerOptions): Map<string, Armed[]> => {
  const list = options.threats ?? registered;
  const proxies = options.trustedProxies ?? noTrustedProxies;
  const configs = loadThreatConfigs(list, options.policyDir, options.configs ?? {});
  const byKind = new Map<string, Armed[]>();
  for (const threat of list) {
    const config = configs[threat.id] as Record<string, unknown>;
    if (config.enabled === false) continue;
    // One state per detector, whatever kinds it reads: a detector pairing requests with answers sees both.
    const global = threat.scope === 'global' ? threat.initialState() : undefined;
    for (const kind of threat.on)
      byKind.set(kind, [
        ...(byKind.get(kind) ?? []),
        {
          threat,
          config,
          bare: { config, proxies },
          withFlow: undefined,
          stateless: false,
          global,
          packets: packetClassMask(threat.packets),
          slot: -1,
          protocols: protocolsRead(threat, kind),
        },
      ]);
  }
  return byKind;
};

/** What the enabled detectors read of events: their declarations, and every kind of `on` they do not declare. */
const readsOf = (byKind: Map<string, Armed[]>): EventRead[] => {
  const reads: EventRead[] = [];
  for (const [kind, armed] of byKind) {
    if (kind === 'packet' || kind === 'flow-end') continue;
    for (const { threat } of armed) {
      const declared = (threat.reads ?? []).filter((read) => read.kind === kind);
      reads.push(...(declared.length > 0 ? declared : [readsEvery(kind as EventRead['kind'])]));
    }
  }
  return reads;
};

/** The packet classes the packet detectors read together; undefined when one reads every packet. */
const packetsOf = (armed: readonly Armed[]): PacketClass[] | undefined => {
  const classes = new Set<PacketClass>();
  for (const { threat } of armed) {
    if (threat.packets === undefined) return undefined;
    for (const name of threat.packets as readonly PacketClass[]) classes.add(name);
  }
  return [...classes];
};

/** The packet detectors for each combination of packet classes, listed the first time a packet has it. */
const packetRoutes = (armed: readonly Armed[]): ((packet: PacketEvent) => readonly Armed[]) => {
  const routes: (readonly Armed[] | undefined)[] = new Array(packetClassMasks).fill(undefined);
  return (packet) => {
    const mask = packetClasses(packet);
    let listed = routes[mask];
    if (listed === undefined) {
      listed = armed.filter(({ packets }) => packets === undefined || (packets & mask) !== 0);
      routes[mask] = listed;
    }
    return listed;
  };
};

export const createThreatRunner = (options: ThreatRunnerOptions = {}): ThreatRunner => {
  const byKind = route(options);
  const states = detectorStates(options.maxFlows ?? 65_536);
  const episodes = findingEpisodes(options.episodeGapMs ?? 60_000);
  const counters: ThreatRunnerStats = { events: 0, packets: 0, hits: 0, errors: 0 };
  /** The latest timestamp seen, in a typed array: a closure variable holding a fraction boxes a new number per packet. */
  const clock = new Float64Array(1);
  const asked = new WeakSet<ObservedFlow>();
  /** One flow-end event, refilled per flow (as the engine's packet event): detectors read it, none keeps it. */
  const flowEnd: FlowEndEvent = { kind: 'flow-end', ts: 0 };
  const { expectProtocol } = options;
  /** The engine keeps one observed-flow object per flow, so the rule is looked up once and stays on it. */
  const expect = (flow: ObservedFlow): void => {
    if (expectProtocol === undefined || flow.expectedProtocol !== undefined || asked.has(flow)) return;
    asked.add(flow);
    const expected = expectProtocol(flow);
    if (expected !== undefined) flow.expectedProtocol = expected;
  };

  const packetDetectors = packetRoutes(byKind.get('packet') ?? []);
  const packets = packetsOf(byKind.get('packet') ?? []);
  /** Every armed detector (one per detector and kind it reads). */
  const allArmed = [...byKind.values()].flat();
  /** Global detectors with a timer. */
  const ticking = allArmed.filter(
    (armed, i) =>
      armed.threat.tick !== undefined &&
      armed.threat.scope === 'global' &&
      // Once per detector, not once per kind it reads: its state is one.
      allArmed.findIndex((other) => other.threat === armed.threat) === i,
  );
  /** The one event tick hits are recorded against (no flow, no packet: endpoints come from the hit). */
  const tickEvent: FlowEndEvent = { kind: 'flow-end', ts: 0 };
  const none: readonly Armed[] = [];
  const contextOf = (armed: Armed, flow: ObservedFlow | undefined) => {
    if (flow === undefined) return armed.bare;
    if (armed.withFlow === undefined)
      armed.withFlow = {
        flow,
        config: armed.config,
        ...(armed.bare.engine === undefined ? {} : { engine: armed.bare.engine }),
        proxies: armed.bare.proxies,
      };
    else armed.withFlow.flow = flow;
    return armed.withFlow;
  };
  /** A detector whose initial state is undefined never gets another (detectorStates keeps none for it). */
  const stateOf = (armed: Armed, flow: ObservedFlow | undefined): unknown => {
    if (armed.threat.scope === 'global') return armed.global;
    if (armed.stateless) return undefined;
    if (armed.slot < 0) armed.slot = states.slotOf(armed.threat);
    const state = states.at(armed.threat, armed.slot, flow?.key);
    if (state === undefined) armed.stateless = true;
    return state;
  };
  const record = (
    armed: Armed,
    hits: readonly ThreatHit[],
    event: Observed,
    flow: ObservedFlow | undefined,
  ): void => {
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i] as ThreatHit;
      counters.hits++;
      const finding = toFinding(hit, event, flow, armed.bare.proxies);
      episodes.add(episodeKey(armed.threat, finding, flow), hit.ts, finding);
    }
  };
  // Indexed loops: `for…of` over the frozen `noHits` most detectors return takes the generic iterator path, an
  // iterator and a result object per packet and detector.
  const run = (detectors: readonly Armed[], event: Observed, flow: ObservedFlow | undefined): void => {
    for (let i = 0; i < detectors.length; i++) {
      const armed = detectors[i] as Armed;
      if (armed.protocols !== undefined && !readsFlow(armed.protocols, flow)) continue;
      let hits: ThreatHit[];
      try {
        hits = armed.threat.inspect(event, stateOf(armed, flow), contextOf(armed, flow));
      } catch {
        // Hostile input must never stop the tap: count the detector failure and keep going.
        counters.errors++;
        continue;
      }
      if (hits.length > 0) record(armed, hits, event, flow);
    }
  };

  return {
    reads: readsOf(byKind),
    ...(packets === undefined ? {} : { packets }),
    attach(view) {
      for (const armed of allArmed) {
        armed.bare.engine = view;
        if (armed.withFlow !== undefined) armed.withFlow.engine = view;
      }
    },
    onTick(now) {
      clock[0] = Math.max(clock[0] as number, now);
      tickEvent.ts = now;
      for (const armed of ticking) {
        let hits: ThreatHit[];
        try {
          hits = armed.threat.tick?.(now, armed.global, armed.bare) ?? noHits;
        } catch {
          counters.errors++;
          continue;
        }
        if (hits.length > 0) record(armed, hits, tickEvent, undefined);
      }
    },
    onPacket(packet) {
      counters.packets++;
      clock[0] = Math.max(clock[0] as number, packet.ts);
      run(packetDetectors(packet), packet, undefined);
    },
    onEvent(flow, event) {
      counters.events++;
      clock[0] = Math.max(clock[0] as number, event.ts);
      expect(flow);
      run(byKind.get(event.kind) ?? none, event, flow);
    },
    onFlowEnd(flow) {
      expect(flow);
      flowEnd.ts = clock[0] as number;
      run(byKind.get('flow-end') ?? none, flowEnd, flow);
      states.endFlow(flow.key);
    },
    drain: (now) => episodes.drain(now),
    stats: () => ({ ...counters }),
  };
};
