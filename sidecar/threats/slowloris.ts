/**
 * Slowloris: one client holding many connections to one server open for long while sending almost nothing on each.
 *
 * It reads only SYNs (which connections a client opened to a server) and judges them on the engine's timer from the
 * engine's own connection table (`EngineView`, ADR 0015): how long each has been open and how many bytes its client
 * sent. No per-packet work: most packets are segments of established connections, and a second table updated on each
 * of them cost more than every other packet detector together. Run on bare packet events, with no engine behind it,
 * it cannot judge and finds nothing.
 */
import { z } from 'zod';
import type { Endpoint } from '#core/finding.ts';
import type { EngineView } from '../engine/engine-view.ts';
import { detectorConfig, noHits, type PacketEvent, type Threat, type ThreatHit } from './threat.ts';
import { type ConnectionIndex, connectionIndex } from './window/connection-index.ts';
import { isSynOnly, packetHit } from './window/packet-hit.ts';

const config = detectorConfig('high', {
  /** Slow connections from one client to one server that make an attack. */
  minConnections: z.number().int().positive().default(50),
  /** A connection is slow once it is this old ... */
  minAgeMs: z.number().int().positive().default(10_000),
  /** ... and has sent fewer bytes than this per second of its life. */
  maxBytesPerSecond: z.number().positive().default(100),
});
type Config = z.infer<typeof config>;

/** The connections one client opened to one server address and port. */
type Group = {
  /** The client ports it opened connections from (a port reused for a new connection counts once). */
  ports: Set<number>;
  checkedAt: number;
  reported: boolean;
  clientIp: string;
  /** A connection counted slow by the last judgement, named in the finding (the group's first may be long gone). */
  slowPort: number;
  serverIp: string;
  serverPort: number;
  vlan: number;
};
type State = {
  /** Groups by client address and server address and port (the client port is 0), oldest first. */
  groups: ConnectionIndex<Group>;
  /** Groups with enough ports to make an attack: the ones the timer judges. */
  candidates: Set<Group>;
  /** Ports listed over all groups (bounded: spoofed SYNs cannot grow the state). */
  listed: number;
};

const maxGroups = 4096;
const maxListed = 65_536;
/** A group is judged at most this often (ms of capture time). */
const checkEveryMs = 1000;

const initialState = (): State => {
  const state: State = {
    groups: connectionIndex<Group>(13, maxGroups, (entry) => {
      state.listed -= entry.value.ports.size;
      state.candidates.delete(entry.value);
    }),
    candidates: new Set(),
    listed: 0,
  };
  return state;
};

const groupOf = (state: State, packet: PacketEvent): Group => {
  const { src, dst } = packet;
  const srcV4 = packet.srcV4 ?? -1;
  const dstV4 = packet.dstV4 ?? -1;
  const found = state.groups.get(src.ip, 0, dst.ip, dst.port, srcV4, dstV4);
  if (found !== undefined) return found.value;
  const group: Group = {
    ports: new Set(),
    checkedAt: Number.NEGATIVE_INFINITY,
    reported: false,
    clientIp: src.ip,
    slowPort: src.port,
    serverIp: dst.ip,
    serverPort: dst.port,
    vlan: packet.vlan ?? 0,
  };
  state.groups.add(src.ip, 0, dst.ip, dst.port, srcV4, dstV4, group);
  return group;
};

/** Endpoints refilled for each question to the engine (it reads them during the call only). */
const asked = { client: { ip: '', port: 0 } as Endpoint, server: { ip: '', port: 0 } as Endpoint };

/** The group's connections that are open, old and slow; gone ones (ended, evicted from the table) leave the group. */
const slowCount = (state: State, group: Group, now: number, c: Config, engine: EngineView): number => {
  asked.client.ip = group.clientIp;
  asked.server.ip = group.serverIp;
  asked.server.port = group.serverPort;
  let slow = 0;
  for (const port of group.ports) {
    asked.client.port = port;
    const facts = engine.connection(asked.client, asked.server, group.vlan);
    if (facts === undefined || facts.closed) {
      group.ports.delete(port);
      state.listed--;
      continue;
    }
    const age = now - facts.opened;
    if (age >= c.minAgeMs && facts.sent / (age / 1000) < c.maxBytesPerSecond) {
      if (slow === 0) group.slowPort = port;
      slow++;
    }
  }
  if (group.ports.size < c.minConnections) state.candidates.delete(group);
  return slow;
};

/** Judges a group: one hit when it first has enough slow connections, none again until it falls below. */
const judge = (
  state: State,
  group: Group,
  now: number,
  c: Config,
  engine: EngineView,
): ThreatHit | undefined => {
  group.checkedAt = now;
  const slow = slowCount(state, group, now, c, engine);
  if (slow < c.minConnections) {
    group.reported = false;
    return undefined;
  }
  if (group.reported) return undefined;
  group.reported = true;
  const evidence = `${slow} connections from ${group.clientIp} to ${group.serverIp}:${group.serverPort} open ≥ ${c.minAgeMs} ms at < ${c.maxBytesPerSecond} B/s`;
  return {
    ...packetHit('slowloris', c, {
      ts: now,
      count: slow,
      evidence,
      client: { ip: group.clientIp, port: group.slowPort },
      server: { ip: group.serverIp, port: group.serverPort },
    }),
    transport: 'tcp',
  };
};

export const slowloris: Threat<typeof config, State> = {
  id: 'slowloris',
  on: ['packet'],
  packets: ['tcp-syn'],
  config,
  scope: 'global',
  initialState,
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || !isSynOnly(event)) return noHits;
    const group = groupOf(state, event);
    if (!group.ports.has(event.src.port) && state.listed < maxListed) {
      group.ports.add(event.src.port);
      state.listed++;
    }
    if (group.ports.size >= c.minConnections) state.candidates.add(group);
    return noHits;
  },
  tick(now, state, { config: c, engine }): ThreatHit[] {
    if (engine === undefined || state.candidates.size === 0) return noHits;
    const hits: ThreatHit[] = [];
    for (const group of state.candidates) {
      if (now - group.checkedAt < checkEveryMs) continue;
      const hit = judge(state, group, now, c, engine);
      if (hit !== undefined) hits.push(hit);
    }
    return hits.length === 0 ? noHits : hits;
  },
};
