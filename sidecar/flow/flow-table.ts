/** The flow table: 5-tuple → flow, oriented at creation, with idle and lifetime expiry and LRU eviction when full. */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import type { Flow, FlowEndReason } from './flow.ts';
import { flowKey } from './flow-key.ts';
import { defaultFlowLimits, type FlowLimits } from './flow-limits.ts';
import { orient } from './orient.ts';

export type FlowTableHooks<State> = {
  /** Creates the engine's per-flow state. */
  create(flow: Flow<undefined>, packet: DecodedPacket): State;
  /** A flow left the table; `flow.endReason` says why. */
  end(flow: Flow<State>): void;
};

export type FlowTable<State> = {
  /** Finds or creates the flow of a decoded transport packet. */
  lookup(packet: DecodedPacket): Flow<State>;
  /** Ends flows idle (in capture time) at `now`. */
  expire(now: number): void;
  /** Ends every flow (end of capture). */
  endAll(reason: FlowEndReason): void;
  readonly size: number;
  readonly evictions: number;
  readonly created: number;
};

const syn = 2;
const ack = 16;

const newFlow = (key: string, packet: DecodedPacket): Flow<undefined> => {
  const { srcIsClient, orientation } = orient(packet);
  const src = { ip: packet.src, port: packet.srcPort };
  const dst = { ip: packet.dst, port: packet.dstPort };
  return {
    key,
    transport: packet.transport,
    client: srcIsClient ? src : dst,
    server: srcIsClient ? dst : src,
    orientation,
    firstSeen: packet.ts,
    lastSeen: packet.ts,
    bytesToServer: 0,
    bytesToClient: 0,
    packetsToServer: 0,
    packetsToClient: 0,
    closed: false,
    endReason: undefined,
    state: undefined,
  };
};

const idleLimit = (flow: Flow<unknown>, limits: FlowLimits): number => {
  if (flow.closed) return limits.closedLingerMs;
  if (flow.transport === 'tcp') return limits.idleTcpMs;
  return flow.transport === 'udp' ? limits.idleUdpMs : limits.idleOtherMs;
};

/** A SYN without ACK on a closed flow is a new connection reusing the ports. */
const reopens = (flow: Flow<unknown>, packet: DecodedPacket): boolean =>
  flow.closed && packet.transport === 'tcp' && (packet.tcpFlags & (syn | ack)) === syn;

export const createFlowTable = <State>(
  hooks: FlowTableHooks<State>,
  limits: FlowLimits = defaultFlowLimits,
): FlowTable<State> => {
  const flows = new Map<string, Flow<State>>();
  const shortestIdle = Math.min(
    limits.closedLingerMs,
    limits.idleTcpMs,
    limits.idleUdpMs,
    limits.idleOtherMs,
  );
  let evictions = 0;
  let created = 0;
  let recent: Flow<State> | undefined;

  const end = (flow: Flow<State>, reason: FlowEndReason): void => {
    flows.delete(flow.key);
    if (recent === flow) recent = undefined;
    flow.endReason = reason;
    hooks.end(flow);
  };

  const create = (key: string, packet: DecodedPacket): Flow<State> => {
    if (flows.size >= limits.maxFlows) {
      const oldest = flows.values().next().value as Flow<State>;
      evictions += 1;
      end(oldest, 'evicted');
    }
    const bare = newFlow(key, packet);
    const flow = bare as unknown as Flow<State>;
    flow.state = hooks.create(bare, packet);
    flows.set(key, flow);
    created += 1;
    return flow;
  };

  /** Moves the flow to the most-recent end of the map's order (skipped for runs of one flow's packets). */
  const touch = (flow: Flow<State>, ts: number): void => {
    if (ts > flow.lastSeen) flow.lastSeen = ts;
    if (recent === flow) return;
    flows.delete(flow.key);
    flows.set(flow.key, flow);
    recent = flow;
  };

  return {
    lookup(packet) {
      const key = flowKey(
        packet.protocol,
        packet.src,
        packet.srcPort,
        packet.dst,
        packet.dstPort,
        packet.vlan,
      );
      let flow = flows.get(key);
      if (flow !== undefined && reopens(flow, packet)) end(flow, 'closed');
      else if (flow !== undefined && packet.ts - flow.firstSeen > limits.maxLifetimeMs) end(flow, 'lifetime');
      else if (flow !== undefined) {
        touch(flow, packet.ts);
        return flow;
      }
      flow = create(key, packet);
      recent = flow;
      return flow;
    },
    expire(now) {
      for (const flow of flows.values()) {
        const idle = now - flow.lastSeen;
        // The map is in least-recently-used order: past the shortest idle limit nothing later can expire.
        if (idle <= shortestIdle) break;
        if (idle > idleLimit(flow, limits)) end(flow, flow.closed ? 'closed' : 'idle');
      }
    },
    endAll(reason) {
      for (const flow of [...flows.values()]) end(flow, flow.closed ? 'closed' : reason);
    },
    get size() {
      return flows.size;
    },
    get evictions() {
      return evictions;
    },
    get created() {
      return created;
    },
  };
};
