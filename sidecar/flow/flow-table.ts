/** The flow table: 5-tuple → flow, oriented at creation, with idle and lifetime expiry and LRU eviction when full. */
import { addressText, type DecodedPacket } from '../decode/decoded-packet.ts';
import type { Flow, FlowEndReason } from './flow.ts';
import { flowKey } from './flow-key.ts';
import { defaultFlowLimits, type FlowLimits } from './flow-limits.ts';
import { orient } from './orient.ts';

export type FlowTableHooks<State> = {
  /** Creates the engine's per-flow state; it may turn the new flow round first (turn-around.ts). */
  create(flow: Flow<undefined>, packet: DecodedPacket): State;
  /** A flow left the table; `flow.endReason` says why. */
  end(flow: Flow<State>): void;
};

/** Looks a flow up by IP protocol number, endpoints (either way round) and VLAN. */
export type FlowFinder<State> = (
  protocol: number,
  src: string,
  srcPort: number,
  dst: string,
  dstPort: number,
  vlan: number,
) => Flow<State> | undefined;

export type FlowTable<State> = {
  /** Finds or creates the flow of a decoded transport packet; `toServer` then says the packet's direction. */
  lookup(packet: DecodedPacket): Flow<State>;
  readonly toServer: boolean;
  /** The flow with these endpoints (either way round), if the table holds it; no packet needed (observers' queries). */
  find: FlowFinder<State>;
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
/** Recent-flow cache slots (a power of two): most packets find their flow here without building the key. */
const cacheSize = 8192;

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
    protocolNumber: packet.protocol,
    vlan: packet.vlan,
    clientV4: srcIsClient ? packet.srcV4 : packet.dstV4,
    serverV4: srcIsClient ? packet.dstV4 : packet.srcV4,
    touched: false,
    slot: -1,
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

/** Symmetric in the two endpoints, so both directions land in the same slot. */
const slotOf = (p: DecodedPacket): number =>
  (Math.imul((p.srcV4 ^ p.dstV4) + (p.srcPort ^ p.dstPort) * 65599 + p.protocol + p.vlan, 0x9e3779b1) >>>
    19) &
  (cacheSize - 1);

/** 1: the packet goes client → server, 2: server → client, 0: another flow. IPv4 only. */
const sameV4 = (flow: Flow<unknown>, p: DecodedPacket): number => {
  if (flow.protocolNumber !== p.protocol || flow.vlan !== p.vlan) return 0;
  if (
    flow.clientV4 === p.srcV4 &&
    flow.serverV4 === p.dstV4 &&
    flow.client.port === p.srcPort &&
    flow.server.port === p.dstPort
  )
    return 1;
  if (
    flow.clientV4 === p.dstV4 &&
    flow.serverV4 === p.srcV4 &&
    flow.client.port === p.dstPort &&
    flow.server.port === p.srcPort
  )
    return 2;
  return 0;
};

export const createFlowTable = <State>(
  hooks: FlowTableHooks<State>,
  limits: FlowLimits = defaultFlowLimits,
): FlowTable<State> => {
  const flows = new Map<string, Flow<State>>();
  const cache: (Flow<State> | undefined)[] = new Array(cacheSize).fill(undefined);
  const counters = { evictions: 0, created: 0 };
  let toServer = true;

  const end = (flow: Flow<State>, reason: FlowEndReason): void => {
    flows.delete(flow.key);
    if (flow.slot >= 0 && cache[flow.slot] === flow) cache[flow.slot] = undefined;
    flow.endReason = reason;
    hooks.end(flow);
  };

  /** Second chance: flows used since the sweep last passed go to the back; the first unused one is evicted. */
  const evictOne = (): void => {
    for (const flow of flows.values()) {
      if (!flow.touched) {
        counters.evictions += 1;
        end(flow, 'evicted');
        return;
      }
      flow.touched = false;
      flows.delete(flow.key);
      flows.set(flow.key, flow);
    }
  };

  const create = (key: string, packet: DecodedPacket): Flow<State> => {
    if (flows.size >= limits.maxFlows) evictOne();
    const bare = newFlow(key, packet);
    const flow = bare as unknown as Flow<State>;
    flow.state = hooks.create(bare, packet);
    flows.set(key, flow);
    counters.created += 1;
    toServer = packet.srcPort === flow.client.port && packet.src === flow.client.ip;
    return flow;
  };

  /** The key of the last slow-path lookup, reused when it creates the flow. */
  let lastKey = '';

  /** The slow path: the key string, the map, and text addresses for a new flow. */
  const find = (packet: DecodedPacket): Flow<State> | undefined => {
    addressText(packet);
    lastKey = flowKey(packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort, packet.vlan);
    const flow = flows.get(lastKey);
    if (flow !== undefined) toServer = packet.srcPort === flow.client.port && packet.src === flow.client.ip;
    return flow;
  };

  const cached = (packet: DecodedPacket, slot: number): Flow<State> | undefined => {
    const flow = slot >= 0 ? cache[slot] : undefined;
    const match = flow === undefined ? 0 : sameV4(flow, packet);
    if (match === 0) return undefined;
    toServer = match === 1;
    return flow;
  };

  /** The flow still holds this packet, or it ends: a new connection on closed ports, or past its lifetime. */
  const current = (flow: Flow<State> | undefined, packet: DecodedPacket): Flow<State> | undefined => {
    if (flow === undefined || !(reopens(flow, packet) || packet.ts - flow.firstSeen > limits.maxLifetimeMs))
      return flow;
    end(flow, flow.closed ? 'closed' : 'lifetime');
    return undefined;
  };

  const lookup = (packet: DecodedPacket): Flow<State> => {
    const slot = packet.srcV4 >= 0 ? slotOf(packet) : -1;
    const hit = cached(packet, slot);
    const found = hit ?? find(packet);
    let flow = current(found, packet);
    if (flow === undefined) {
      // find() built this packet's key unless the flow came from the cache (then it just ended: build it).
      if (hit !== undefined) find(packet);
      flow = create(lastKey, packet);
    } else {
      flow.touched = true;
      if (packet.ts > flow.lastSeen) flow.lastSeen = packet.ts;
    }
    if (slot >= 0 && cache[slot] !== flow) {
      cache[slot] = flow;
      flow.slot = slot;
    }
    return flow;
  };

  return {
    lookup,
    find: (protocol, src, srcPort, dst, dstPort, vlan) =>
      flows.get(flowKey(protocol, src, srcPort, dst, dstPort, vlan)),
    get toServer() {
      return toServer;
    },
    expire(now) {
      for (const flow of flows.values()) {
        if (now - flow.lastSeen > idleLimit(flow, limits)) end(flow, flow.closed ? 'closed' : 'idle');
      }
    },
    endAll(reason) {
      for (const flow of [...flows.values()]) end(flow, flow.closed ? 'closed' : reason);
    },
    get size() {
      return flows.size;
    },
    get evictions() {
      return counters.evictions;
    },
    get created() {
      return counters.created;
    },
  };
};
