/** Runs the threat detectors as an engine observer: routes events and packets, keeps per-flow state, merges hits into findings. */
import type { Endpoint, ThreatFinding } from '#core/finding.ts';
import type { Transport } from '#core/protocol-id.ts';
import type { EngineObserver, ObservedFlow } from '../engine-observer.ts';
import type { ProtocolEvent } from '../events.ts';
import { threats as registered } from './index.ts';
import { loadThreatConfigs } from './load-threat-configs.ts';
import { redactEvidence } from './text/redact-evidence.ts';
import type { FlowEndEvent, PacketEvent, Threat, ThreatHit } from './threat.ts';
import { type BoundedMap, boundedMap } from './window/bounded-map.ts';

// biome-ignore lint/suspicious/noExplicitAny: detectors differ in config and state types; the runner treats them uniformly.
type AnyThreat = Threat<any, any>;
type Armed = { threat: AnyThreat; config: Record<string, unknown> };
type Aggregate = { finding: ThreatFinding; first: number; last: number; dirty: boolean };

export type ThreatRunnerOptions = {
  threats?: readonly AnyThreat[];
  /** Raw configuration per detector id (as in its YAML); wins over files. */
  configs?: Record<string, unknown>;
  /** Directory of `<id>.yaml` files; `false` to use built-in defaults only. Defaults to `policies/threats/`. */
  policyDir?: string | false;
  /** A hit later than this after the last one starts a new episode (a new finding). */
  episodeGapMs?: number;
  maxFlows?: number;
};

export type ThreatRunnerStats = { events: number; packets: number; hits: number; errors: number };
export type ThreatRunner = Required<Pick<EngineObserver, 'onPacket' | 'onEvent' | 'onFlowEnd'>> & {
  drain(now: number): ThreatFinding[];
  stats(): ThreatRunnerStats;
};

const unknownEndpoint: Endpoint = { ip: '0.0.0.0', port: 0 };
const iso = (ts: number): string => new Date(Number.isFinite(ts) && ts >= 0 ? ts : 0).toISOString();

const toFinding = (
  hit: ThreatHit,
  transport: Transport,
  protocol: ThreatFinding['protocol'],
  client: Endpoint,
  server: Endpoint,
): ThreatFinding => ({
  type: 'threat',
  threat: hit.threat,
  severity: hit.severity,
  confidence: Math.min(1, Math.max(0, hit.confidence)),
  transport,
  client: hit.client ?? client,
  server: hit.server ?? server,
  protocol,
  evidence: redactEvidence(hit.evidence),
  firstSeen: iso(hit.ts),
  lastSeen: iso(hit.ts),
  count: Math.max(1, Math.round(hit.count ?? 1)),
});

const pick = ({ evidence, confidence, severity }: ThreatFinding) => ({ evidence, confidence, severity });

const arm = (options: ThreatRunnerOptions): Armed[] => {
  const list = options.threats ?? registered;
  const configs = loadThreatConfigs(list, options.policyDir, options.configs ?? {});
  return list.flatMap((threat) => {
    const config = configs[threat.id] as Record<string, unknown>;
    return config.enabled === false ? [] : [{ threat, config }];
  });
};

const route = (armed: readonly Armed[]): Map<string, Armed[]> => {
  const byKind = new Map<string, Armed[]>();
  for (const item of armed)
    for (const kind of item.threat.on) byKind.set(kind, [...(byKind.get(kind) ?? []), item]);
  return byKind;
};

export const createThreatRunner = (options: ThreatRunnerOptions = {}): ThreatRunner => {
  const byKind = route(arm(options));
  const gap = options.episodeGapMs ?? 60_000;
  const flowStates: BoundedMap<Map<string, unknown>> = boundedMap(options.maxFlows ?? 65_536);
  const globalStates = new Map<string, unknown>();
  const aggregates: BoundedMap<Aggregate> = boundedMap(16_384);
  const ready: ThreatFinding[] = [];
  const counters: ThreatRunnerStats = { events: 0, packets: 0, hits: 0, errors: 0 };
  let clock = 0;

  const stateOf = (item: Armed, flowKey: string | undefined): unknown => {
    const { threat } = item;
    const states =
      threat.scope === 'global' || flowKey === undefined
        ? globalStates
        : flowStates.upsert(flowKey, () => new Map());
    if (!states.has(threat.id)) states.set(threat.id, threat.initialState());
    return states.get(threat.id);
  };

  const record = (hit: ThreatHit, finding: ThreatFinding, key: string): void => {
    counters.hits++;
    const found = aggregates.get(key);
    if (found !== undefined && hit.ts - found.last <= gap && hit.ts >= found.first - gap) {
      found.finding.count += finding.count;
      // A surer hit of the same episode (a window verdict after a single-event hint) tells the story better.
      if (finding.confidence > found.finding.confidence) Object.assign(found.finding, pick(finding));
      found.last = Math.max(found.last, hit.ts);
      found.finding.lastSeen = iso(found.last);
      found.dirty = true;
      return;
    }
    if (found?.dirty === true) ready.push({ ...found.finding });
    aggregates.delete(key);
    aggregates.upsert(key, () => ({ finding, first: hit.ts, last: hit.ts, dirty: true }));
  };

  const emit = (
    item: Armed,
    hit: ThreatHit,
    event: ProtocolEvent | PacketEvent | FlowEndEvent,
    flow: ObservedFlow | undefined,
  ): void => {
    const packet = event.kind === 'packet' ? event : undefined;
    const client = flow?.client ?? packet?.src ?? unknownEndpoint;
    const server = flow?.server ?? packet?.dst ?? unknownEndpoint;
    const finding = toFinding(
      hit,
      flow?.transport ?? packet?.transport ?? 'other',
      flow?.protocol ?? 'unknown',
      client,
      server,
    );
    const perFlow = item.threat.scope === 'flow' && flow !== undefined;
    record(
      hit,
      finding,
      perFlow ? `${hit.threat}|${flow.key}` : `${hit.threat}|${finding.client.ip}|${finding.server.ip}`,
    );
  };

  const run = (
    items: readonly Armed[] | undefined,
    event: ProtocolEvent | PacketEvent | FlowEndEvent,
    flow: ObservedFlow | undefined,
  ): void => {
    for (const item of items ?? []) {
      const context = flow === undefined ? { config: item.config } : { flow, config: item.config };
      let hits: ThreatHit[];
      try {
        hits = item.threat.inspect(event, stateOf(item, flow?.key), context);
      } catch {
        // Hostile input must never stop the tap: count the detector failure and keep going.
        counters.errors++;
        continue;
      }
      for (const hit of hits) emit(item, hit, event, flow);
    }
  };

  return {
    onPacket(packet) {
      counters.packets++;
      clock = Math.max(clock, packet.ts);
      run(byKind.get('packet'), packet, undefined);
    },
    onEvent(flow, event) {
      counters.events++;
      clock = Math.max(clock, event.ts);
      run(byKind.get(event.kind), event, flow);
    },
    onFlowEnd(flow) {
      run(byKind.get('flow-end'), { kind: 'flow-end', ts: clock }, flow);
      flowStates.delete(flow.key);
    },
    drain(now) {
      const out = ready.splice(0, ready.length);
      for (const [key, aggregate] of [...aggregates.entries()]) {
        if (aggregate.dirty) out.push({ ...aggregate.finding });
        aggregate.dirty = false;
        if (now - aggregate.last > gap) aggregates.delete(key);
      }
      return out;
    },
    stats: () => ({ ...counters }),
  };
};
