/** Slowloris: one client holding many connections to one server open for long while sending almost nothing on each. */
import { z } from 'zod';
import { detectorConfig, noHits, type PacketEvent, type Threat, type ThreatHit } from './threat.ts';
import { type ConnectionIndex, connectionIndex, type IndexEntry } from './window/connection-index.ts';
import { isSynOnly, packetHit, tcpFlag } from './window/packet-hit.ts';

const config = detectorConfig('high', {
  /** Slow connections from one client to one server that make an attack. */
  minConnections: z.number().int().positive().default(50),
  /** A connection is slow once it is this old ... */
  minAgeMs: z.number().int().positive().default(10_000),
  /** ... and has sent fewer bytes than this per second of its life. */
  maxBytesPerSecond: z.number().positive().default(100),
});

type Connection = {
  start: number;
  bytes: number;
  /** The group when the connection opened: while that is not evicted, it is the group of the connection's endpoints. */
  opened: Group;
  /** The last group that lists it (a group lists a connection once, as a set of connection keys did). */
  listedIn: Group | undefined;
};
type Group = {
  /**
   * One entry per connection key it saw open (at most 10,000): a gone entry is dropped when counted, or stands for the
   * newer connection with the same endpoints (as the key did).
   */
  members: IndexEntry<Connection>[];
  checkedAt: number;
  reported: boolean;
  /** The first connection's endpoints, as fields (two objects less per group: most groups never report). */
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  evicted: boolean;
};
type State = {
  /** Connections by endpoints, oldest first (the bound drops the oldest). */
  connections: ConnectionIndex<Connection>;
  /** Groups by client address and server address and port (the client port is 0), oldest first. */
  groups: ConnectionIndex<Group>;
};

const maxMembers = 10_000;
const v4 = (value: number | undefined): number => value ?? -1;

const initialState = (): State => ({
  connections: connectionIndex<Connection>(17, 65_536),
  groups: connectionIndex<Group>(13, 4096, (entry) => {
    entry.value.evicted = true;
  }),
});

/** The entry that counts for `member`'s connection key now, or undefined when it is gone or listed already. */
const current = (state: State, group: Group, member: IndexEntry<Connection>) => {
  if (member.present) return member;
  const { srcIp, srcPort, dstIp, dstPort, srcV4, dstV4 } = member;
  const newer = state.connections.get(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4);
  return newer === undefined || newer.value.listedIn === group ? undefined : newer;
};

const slowCount = (state: State, group: Group, now: number, c: z.infer<typeof config>): number => {
  const members = group.members;
  let slow = 0;
  for (let i = 0; i < members.length; ) {
    const entry = current(state, group, members[i] as IndexEntry<Connection>);
    if (entry === undefined) {
      // Order does not matter: the last member takes the gone one's place (and is looked at next).
      members[i] = members[members.length - 1] as IndexEntry<Connection>;
      members.pop();
      continue;
    }
    members[i] = entry;
    entry.value.listedIn = group;
    const conn = entry.value;
    if (now - conn.start >= c.minAgeMs && conn.bytes / ((now - conn.start) / 1000) < c.maxBytesPerSecond)
      slow++;
    i++;
  }
  return slow;
};

const groupOf = (state: State, packet: PacketEvent, srcV4: number, dstV4: number): Group => {
  const { src, dst } = packet;
  const found = state.groups.get(src.ip, 0, dst.ip, dst.port, srcV4, dstV4);
  if (found !== undefined) return found.value;
  const group: Group = {
    members: [],
    checkedAt: 0,
    reported: false,
    clientIp: src.ip,
    clientPort: src.port,
    serverIp: dst.ip,
    serverPort: dst.port,
    evicted: false,
  };
  state.groups.add(src.ip, 0, dst.ip, dst.port, srcV4, dstV4, group);
  return group;
};

const opened = (state: State, packet: PacketEvent, srcV4: number, dstV4: number): Group => {
  const { src, dst } = packet;
  const group = groupOf(state, packet, srcV4, dstV4);
  const entry =
    state.connections.get(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4) ??
    state.connections.add(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4, {
      start: packet.ts,
      bytes: 0,
      opened: group,
      listedIn: undefined,
    });
  if (entry.value.listedIn !== group && group.members.length < maxMembers) {
    group.members.push(entry);
    entry.value.listedIn = group;
  }
  return group;
};

const track = (state: State, packet: PacketEvent): Group | undefined => {
  const flags = packet.tcpFlags ?? 0;
  const { src, dst } = packet;
  const srcV4 = v4(packet.srcV4);
  const dstV4 = v4(packet.dstV4);
  if ((flags & (tcpFlag.fin | tcpFlag.rst)) !== 0) {
    state.connections.delete(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4);
    state.connections.delete(dst.ip, dst.port, src.ip, src.port, dstV4, srcV4);
    return undefined;
  }
  if (isSynOnly(packet)) return opened(state, packet, srcV4, dstV4);
  const entry = state.connections.get(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4);
  if (entry === undefined) return undefined;
  const conn = entry.value;
  conn.bytes += packet.payloadLength;
  return conn.opened.evicted
    ? state.groups.get(src.ip, 0, dst.ip, dst.port, srcV4, dstV4)?.value
    : conn.opened;
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
    const evidence = `${slow} connections from ${group.clientIp} to ${group.serverIp}:${group.serverPort} open ≥ ${c.minAgeMs} ms at < ${c.maxBytesPerSecond} B/s`;
    return [
      packetHit('slowloris', c, {
        ts: event.ts,
        count: slow,
        evidence,
        client: { ip: group.clientIp, port: group.clientPort },
        server: { ip: group.serverIp, port: group.serverPort },
      }),
    ];
  },
};
