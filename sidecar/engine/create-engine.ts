/** The inspection engine: records → decode → flows → reassembly → detection → parsers → events, observers, findings. */
import type { Finding } from '#core/finding.ts';
import type { PacketRecord } from '../capture/packet-record.ts';
import { createPacketDecoder } from '../decode/packet-decoder.ts';
import type { EngineObserver } from '../engine-observer.ts';
import type { Flow } from '../flow/flow.ts';
import { createFlowTable } from '../flow/flow-table.ts';
import { protocols as registered } from '../protocols/index.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { EngineContext } from './engine-context.ts';
import { type EngineLimitsInput, resolveLimits } from './engine-limits.ts';
import type { EngineStats } from './engine-stats.ts';
import { giveUp, observedFlow, onFlowData } from './flow-data.ts';
import { flowFinding } from './flow-finding.ts';
import { createFlowState, type FlowState } from './flow-state.ts';
import { packetEvent } from './packet-event.ts';
import { flushReassembler, tcpSegment } from './tcp-segment.ts';

export type EngineOptions = {
  /** Protocol detectors in priority order; the registry in sidecar/protocols/index.ts by default. */
  protocols?: readonly Protocol[];
  observers?: readonly EngineObserver[];
  limits?: EngineLimitsInput;
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

export const createEngine = (options: EngineOptions = {}): Engine => {
  const limits = resolveLimits(options.limits);
  const observers = options.observers ?? [];
  const ctx: EngineContext = {
    protocols: options.protocols ?? registered,
    observers,
    limits,
    counters: { events: 0, parserErrors: 0, observerErrors: 0, heldBytes: 0 },
  };
  const packetObservers = observers.filter((observer) => observer.onPacket !== undefined);
  const decoder = createPacketDecoder(limits.fragments);
  let pending: Finding[] = [];
  const totals = {
    packets: 0,
    bytes: 0,
    ended: 0,
    emitted: 0,
    dropped: 0,
    lastTs: 0,
    lastExpire: Number.NEGATIVE_INFINITY,
  };

  const end = (flow: Flow<FlowState>): void => {
    const state = flow.state;
    flushReassembler(ctx, state.toServer.reassembler);
    flushReassembler(ctx, state.toClient.reassembler);
    if (state.phase === 'detecting') giveUp(ctx, state);
    totals.ended += 1;
    if (pending.length < limits.maxPendingFindings) pending.push(flowFinding(flow));
    else totals.dropped += 1;
    const observed = observers.length > 0 ? observedFlow(flow) : undefined;
    if (observed !== undefined)
      observed.bytes = { toServer: flow.bytesToServer, toClient: flow.bytesToClient };
    for (const observer of observers) {
      try {
        if (observed !== undefined) observer.onFlowEnd?.(observed);
      } catch {
        ctx.counters.observerErrors += 1;
      }
    }
    state.parser = undefined;
  };
  const table = createFlowTable<FlowState>(
    {
      create: (flow) =>
        createFlowState(flow.transport === 'tcp' || flow.transport === 'udp', ctx.protocols.length),
      end,
    },
    limits.flows,
  );

  const notifyPacket = (): void => {
    const event = packetEvent(decoder.packet);
    for (const observer of packetObservers) {
      try {
        observer.onPacket?.(event);
      } catch {
        ctx.counters.observerErrors += 1;
      }
    }
  };

  const push = (record: PacketRecord): void => {
    totals.packets += 1;
    totals.bytes += record.data.length;
    if (record.ts > totals.lastTs) totals.lastTs = record.ts;
    const outcome = decoder.decode(record);
    if (outcome !== 'ok' && outcome !== 'fragment') return;
    if (packetObservers.length > 0) notifyPacket();
    if (outcome === 'ok') route();
    if (record.ts - totals.lastExpire >= limits.expireEveryMs) {
      totals.lastExpire = record.ts;
      table.expire(record.ts);
    }
  };

  const route = (): void => {
    const packet = decoder.packet;
    const flow = table.lookup(packet);
    const toServer = table.toServer;
    if (toServer) {
      flow.packetsToServer += 1;
      flow.bytesToServer += packet.payloadLength;
    } else {
      flow.packetsToClient += 1;
      flow.bytesToClient += packet.payloadLength;
    }
    if (packet.snapped) flow.state.snapped = true;
    const direction = toServer ? 'to-server' : 'to-client';
    if (packet.transport === 'tcp') tcpSegment(ctx, flow, direction, packet);
    else if (packet.transport === 'udp' && packet.payload.length > 0)
      onFlowData(ctx, flow, direction, packet.payload, packet.ts);
  };

  const stats = (): EngineStats => ({
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

  const flush = (now?: number): Finding[] => {
    if (now === undefined) table.endAll('end-of-capture');
    else table.expire(now);
    const out = pending;
    pending = [];
    for (const observer of observers) if (observer.drain) out.push(...observer.drain(now ?? totals.lastTs));
    totals.emitted += out.length;
    return out;
  };

  return { push, flush, stats };
};
