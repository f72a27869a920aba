/** The inspection engine: records → decode → flows → reassembly → detection → parsers → events, observers, findings. */
import type { Finding } from '#core/finding.ts';
import type { PacketRecord } from '../capture/packet-record.ts';
import { payloadOf } from '../decode/decoded-packet.ts';
import { createPacketDecoder, type PacketDecoder } from '../decode/packet-decoder.ts';
import type { EngineObserver } from '../engine-observer.ts';
import type { Flow } from '../flow/flow.ts';
import { createFlowTable, type FlowTable } from '../flow/flow-table.ts';
import { turnAround } from '../flow/turn-around.ts';
import { protocols as registered } from '../protocols/index.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';
import type { EngineContext } from './engine-context.ts';
import { type EngineLimitsInput, resolveLimits } from './engine-limits.ts';
import type { EngineStats } from './engine-stats.ts';
import { engineView } from './engine-view.ts';
import { createExpectedFlows } from './expected-flows.ts';
import { announcedFlowState, concludeFlow, countBytes, observedFlow, onFlowData } from './flow-data.ts';
import { flowFinding } from './flow-finding.ts';
import { createFlowState, type FlowState } from './flow-state.ts';
import { packetClassBits, packetClassMask } from './packet-class-bits.ts';
import { packetEvent, transportOf } from './packet-event.ts';
import { parseBudget } from './parse-budget.ts';
import { tcpAnomalies } from './tcp-anomalies.ts';
import { flushReassembler, tcpSegment } from './tcp-segment.ts';

export type EngineOptions = {
  /** Protocol detectors in priority order; the registry in sidecar/protocols/index.ts by default. */
  protocols?: readonly Protocol[];
  observers?: readonly EngineObserver[];
  limits?: EngineLimitsInput;
  /**
   * The capturing pod's own IPv4 addresses (the tap's): a packet received from outside with one of them as its
   * source is dropped, as the pod's kernel drops it. Empty (no such check) for captures from elsewhere.
   */
  localAddresses?: readonly string[];
  /**
   * Proxies whose forwarding headers are believed (ADR 28): a flow from one of them lists, in its finding's summary,
   * the clients its requests named (ADR 31). None, or an empty list: no such list.
   */
  trustedProxies?: TrustedProxies;
};

export type Engine = {
  push(record: PacketRecord): void;
  /**
   * Findings of flows ended so far plus what observers drain. With `now` (capture time, ms): ends flows idle
   * at `now` first. Without: the capture is over, every flow ends.
   */
  flush(now?: number): Finding[];
  stats(): EngineStats;
};

type Totals = {
  packets: number;
  bytes: number;
  ended: number;
  emitted: number;
  dropped: number;
  lastTs: number;
  lastExpire: number;
};

/** Everything one engine instance holds. */
type Runtime = {
  ctx: EngineContext;
  packetObservers: readonly EngineObserver[];
  /** The packet classes some packet observer reads, as bits; -1 when one reads every packet. */
  packetMask: number;
  tickObservers: readonly EngineObserver[];
  decoder: PacketDecoder;
  table: FlowTable<FlowState>;
  pending: Finding[];
  totals: Totals;
};

const safely = (ctx: EngineContext, call: () => void): void => {
  try {
    call();
  } catch {
    ctx.counters.observerErrors += 1;
  }
};

/** A flow left the table: deliver what reassembly holds, decide unknown, report it, tell observers. */
const endFlow = (rt: Runtime, flow: Flow<FlowState>): void => {
  const { ctx, totals } = rt;
  const state = flow.state;
  flushReassembler(ctx, state.toServer.reassembler);
  flushReassembler(ctx, state.toClient.reassembler);
  concludeFlow(ctx, flow);
  totals.ended += 1;
  if (rt.pending.length < ctx.limits.maxPendingFindings) rt.pending.push(flowFinding(flow));
  else totals.dropped += 1;
  if (ctx.observers.length > 0) {
    const observed = observedFlow(flow);
    countBytes(flow, observed);
    const anomalies = flow.transport === 'tcp' ? tcpAnomalies(state) : undefined;
    if (anomalies !== undefined) observed.anomalies = anomalies;
    for (const observer of ctx.observers) safely(ctx, () => observer.onFlowEnd?.(observed));
  }
};

/** A decoded transport packet: its flow, counters, and the bytes for reassembly or the UDP parser. */
const route = (rt: Runtime): void => {
  const packet = rt.decoder.packet;
  const flow = rt.table.lookup(packet);
  const toServer = rt.table.toServer;
  if (toServer) {
    flow.packetsToServer += 1;
    flow.bytesToServer += packet.payloadLength;
  } else {
    flow.packetsToClient += 1;
    flow.bytesToClient += packet.payloadLength;
  }
  if (packet.snapped) flow.state.snapped = true;
  const direction = toServer ? 'to-server' : 'to-client';
  if (packet.transport === 'tcp') tcpSegment(rt.ctx, flow, direction, packet);
  else if (packet.transport === 'udp' && packet.payloadEnd > packet.payloadStart)
    onFlowData(rt.ctx, flow, direction, payloadOf(packet), packet.ts);
};

/** Every packet to the packet observers (no closure per packet: this runs for each one). */
const tellPacket = (rt: Runtime): void => {
  const event = packetEvent(rt.decoder.packet);
  for (const observer of rt.packetObservers) {
    try {
      observer.onPacket?.(event);
    } catch {
      rt.ctx.counters.observerErrors += 1;
    }
  }
};

/** Some packet observer reads this packet's classes (the decoder's facts, before an event is built). */
const wanted = (rt: Runtime): boolean => {
  if (rt.packetMask === -1) return true;
  const packet = rt.decoder.packet;
  const transport = transportOf(packet);
  const flags = packet.transport === 'tcp' ? packet.tcpFlags : 0;
  return (
    (packetClassBits(transport, flags, packet.fragment !== undefined, packet.ipLength) & rt.packetMask) !== 0
  );
};

/** Capture time moved on past the sweep interval: observers' timers, then idle flows end. */
const tick = (rt: Runtime, now: number): void => {
  rt.totals.lastExpire = now;
  for (const observer of rt.tickObservers) safely(rt.ctx, () => observer.onTick?.(now));
  rt.table.expire(now);
};

const push = (rt: Runtime, record: PacketRecord): void => {
  const { totals, decoder } = rt;
  totals.packets += 1;
  totals.bytes += record.data.length;
  if (record.ts > totals.lastTs) totals.lastTs = record.ts;
  const outcome = decoder.decode(record);
  // A refused fragment (past 64 KiB, too many) is still shown to packet observers: it is the ping of death.
  if (outcome !== 'ok' && outcome !== 'fragment' && outcome !== 'fragment-dropped') return;
  if (rt.packetObservers.length > 0 && wanted(rt)) tellPacket(rt);
  if (outcome === 'ok') route(rt);
  if (record.ts - totals.lastExpire >= rt.ctx.limits.expireEveryMs) tick(rt, record.ts);
};

/** The union of what packet observers read; -1 when any reads every packet. */
const packetMaskOf = (observers: readonly EngineObserver[]): number => {
  let mask = 0;
  for (const observer of observers) {
    const bits = packetClassMask(observer.packets);
    if (bits === undefined) return -1;
    mask |= bits;
  }
  return mask;
};

const flush = (rt: Runtime, now: number | undefined): Finding[] => {
  if (now === undefined) rt.table.endAll('end-of-capture');
  else tick(rt, now);
  const out = rt.pending;
  rt.pending = [];
  for (const observer of rt.ctx.observers)
    if (observer.drain) out.push(...observer.drain(now ?? rt.totals.lastTs));
  rt.totals.emitted += out.length;
  return out;
};

const stats = ({ ctx, decoder, table, totals }: Runtime): EngineStats => ({
  packets: totals.packets,
  bytes: totals.bytes,
  decode: decoder.counts(),
  flows: { active: table.size, created: table.created, evicted: table.evictions, ended: totals.ended },
  findings: { emitted: totals.emitted, dropped: totals.dropped },
  events: ctx.counters.events,
  parserErrors: ctx.counters.parserErrors,
  observerErrors: ctx.counters.observerErrors,
  fragments: { pending: decoder.fragments.size, dropped: decoder.fragments.dropped },
  heldBytes: ctx.counters.heldBytes,
});

export const createEngine = (options: EngineOptions = {}): Engine => {
  const limits = resolveLimits(options.limits);
  const observers = options.observers ?? [];
  const ctx: EngineContext = {
    protocols: options.protocols ?? registered,
    observers,
    budget: parseBudget(observers, limits.summaryBytes),
    limits,
    counters: { events: 0, parserErrors: 0, observerErrors: 0, heldBytes: 0 },
    expected: createExpectedFlows(),
    trustedProxies: (options.trustedProxies?.entries.length ?? 0) > 0 ? options.trustedProxies : undefined,
  };
  const detects = (transport: string) => transport === 'tcp' || transport === 'udp';
  const packetObservers = observers.filter((observer) => observer.onPacket !== undefined);
  const rt: Runtime = {
    ctx,
    packetObservers,
    packetMask: packetMaskOf(packetObservers),
    tickObservers: observers.filter((observer) => observer.onTick !== undefined),
    decoder: createPacketDecoder(limits.fragments, options.localAddresses),
    table: createFlowTable<FlowState>(
      {
        create: (flow, packet) => {
          const announced = ctx.expected.take(flow, packet.ts);
          if (announced === undefined) return createFlowState(detects(flow.transport), ctx.protocols.length);
          // Its ends guessed the wrong way round (a relay's high port facing the client's low one): the listener serves.
          if (announced.reversed) turnAround(flow);
          return announcedFlowState(ctx, announced.protocol);
        },
        end: (flow) => endFlow(rt, flow),
      },
      limits.flows,
    ),
    pending: [],
    totals: {
      packets: 0,
      bytes: 0,
      ended: 0,
      emitted: 0,
      dropped: 0,
      lastTs: 0,
      lastExpire: Number.NEGATIVE_INFINITY,
    },
  };
  const view = engineView(rt.table.find);
  for (const observer of observers) safely(ctx, () => observer.attach?.(view));
  return { push: (record) => push(rt, record), flush: (now) => flush(rt, now), stats: () => stats(rt) };
};
