/** Slowloris: one client holding many connections to one server open for long while sending almost nothing on each. */
import { z } from 'zod';
import { detectorConfig, noHits, type PacketEvent, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { type ConnectionIndex, connectionIndex } from './window/connection-index.ts';
import { isSynOnly, packetHit, tcpFlag } from './window/packet-hit.ts';
import { addressPairKey, connectionKey } from './window/packet-keys.ts';

const config = detectorConfig('high', {
  /** Slow connections from one client to one server that make an attack. */
  minConnections: z.number().int().positive().default(50),
  /** A connection is slow once it is this old ... */
  minAgeMs: z.number().int().positive().default(10_000),
  /** ... and has sent fewer bytes than this per second of its life. */
  maxBytesPerSecond: z.number().positive().default(100),
});

type Connection = {
  id: string;
  src: Endpoint;
  dst: Endpoint;
  /** The addresses as numbers, as the connection index was given them (-1: none). */
  srcV4: number;
  dstV4: number;
  group: string;
  /** The group when the connection opened: while it is not evicted, it is what `groups.get(group)` returns. */
  opened: Group;
  start: number;
  bytes: number;
};
type Endpoint = PacketEvent['src'];
type Group = {
  connections: Set<string>;
  checkedAt: number;
  reported: boolean;
  client: PacketEvent['src'];
  server: PacketEvent['dst'];
  evicted: boolean;
};
type State = {
  /** Connections by key, oldest first (the bound drops the oldest). */
  connections: ReturnType<typeof boundedMap<Connection>>;
  /** The same connections by endpoints: segments find theirs without building the key. */
  index: ConnectionIndex<Connection>;
  groups: ReturnType<typeof boundedMap<Group>>;
};

const connectionText = (p: PacketEvent): string => `${p.src.ip}:${p.src.port}>${p.dst.ip}:${p.dst.port}`;
const groupText = (p: PacketEvent): string => `${p.src.ip}>${p.dst.ip}:${p.dst.port}`;
const v4 = (value: number | undefined): number => value ?? -1;
const copy = (endpoint: Endpoint): Endpoint => ({ ip: endpoint.ip, port: endpoint.port });

const initialState = (): State => {
  const index = connectionIndex<Connection>(17);
  return {
    connections: boundedMap(65_536, (_, conn) => index.delete(conn.src, conn.dst, conn.srcV4, conn.dstV4)),
    index,
    groups: boundedMap(4096, (_, group) => {
      group.evicted = true;
    }),
  };
};

const forget = (state: State, src: Endpoint, dst: Endpoint, srcV4: number, dstV4: number): void => {
  const conn = state.index.delete(src, dst, srcV4, dstV4);
  if (conn !== undefined) state.connections.delete(conn.id);
};

const slowCount = (state: State, group: Group, now: number, c: z.infer<typeof config>): number => {
  let slow = 0;
  for (const id of group.connections) {
    const conn = state.connections.get(id);
    if (conn === undefined) group.connections.delete(id);
    else if (now - conn.start >= c.minAgeMs && conn.bytes / ((now - conn.start) / 1000) < c.maxBytesPerSecond)
      slow++;
  }
  return slow;
};

const track = (state: State, packet: PacketEvent): Group | undefined => {
  const flags = packet.tcpFlags ?? 0;
  const srcV4 = v4(packet.srcV4);
  const dstV4 = v4(packet.dstV4);
  if ((flags & (tcpFlag.fin | tcpFlag.rst)) !== 0) {
    forget(state, packet.src, packet.dst, srcV4, dstV4);
    forget(state, packet.dst, packet.src, dstV4, srcV4);
    return undefined;
  }
  if (isSynOnly(packet)) {
    const id = connectionKey(packet, connectionText);
    const groupId = addressPairKey(packet, packet.dst.port, groupText);
    const group = state.groups.upsert(groupId, () => ({
      connections: new Set(),
      checkedAt: 0,
      reported: false,
      client: copy(packet.src),
      server: copy(packet.dst),
      evicted: false,
    }));
    state.connections.upsert(id, () => {
      const conn = {
        id,
        src: copy(packet.src),
        dst: copy(packet.dst),
        srcV4,
        dstV4,
        group: groupId,
        opened: group,
        start: packet.ts,
        bytes: 0,
      };
      state.index.add(conn.src, conn.dst, conn, srcV4, dstV4);
      return conn;
    });
    if (group.connections.size < 10_000) group.connections.add(id);
    return group;
  }
  const conn = state.index.get(packet.src, packet.dst, srcV4, dstV4);
  if (conn === undefined) return undefined;
  conn.bytes += packet.payloadLength;
  return conn.opened.evicted ? state.groups.get(conn.group) : conn.opened;
};

export const slowloris: Threat<typeof config, State> = {
  id: 'slowloris',
  on: ['packet'],
  packets: ['tcp-syn', 'tcp-other'],
  config,
  scope: 'global',
  initialState,
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || event.transport !== 'tcp') return noHits;
    if (state.connections.size === 0 && !isSynOnly(event)) return noHits;
    const group = track(state, event);
    if (group === undefined || event.ts - group.checkedAt < 1000) return noHits;
    group.checkedAt = event.ts;
    const slow = slowCount(state, group, event.ts, c);
    if (slow < c.minConnections) {
      group.reported = false;
      return noHits;
    }
    if (group.reported) return noHits;
    group.reported = true;
    const evidence = `${slow} connections from ${group.client.ip} to ${group.server.ip}:${group.server.port} open ≥ ${c.minAgeMs} ms at < ${c.maxBytesPerSecond} B/s`;
    return [
      packetHit('slowloris', c, {
        ts: event.ts,
        count: slow,
        evidence,
        client: group.client,
        server: group.server,
      }),
    ];
  },
};
