/** Builds a rate detector: packets selected by a key (target, source→target) over a sliding window, reported per episode. */
import { z } from 'zod';
import type { Endpoint, Severity } from '#core/finding.ts';
import { detectorConfig, noHits, type PacketClass, type PacketEvent, type Threat } from '../threat.ts';
import { type BoundedMap, boundedMap, type MapKey } from './bounded-map.ts';
import { type ConnectionIndex, connectionIndex } from './connection-index.ts';
import { addDistinct, type DistinctWindow, distinctWindow, emptyDistinct } from './distinct-window.ts';
import { advanceEpisode, type Episode } from './episode.ts';
import { packetHit } from './packet-hit.ts';
import { addToRate, emptyRate, type RateWindow, rateWindow } from './rate-window.ts';

const maxKeys = 8192;

const volumetricConfig = (severity: Severity, windowMs: number, threshold: number) =>
  detectorConfig(severity, {
    windowMs: z.number().int().positive().default(windowMs),
    /** Events per key within the window that start an episode. */
    threshold: z.number().int().positive().default(threshold),
  });

export type VolumetricOptions = {
  id: string;
  severity: Severity;
  windowMs: number;
  threshold: number;
  /** The packets `key` (and `skipUdpReplies`) can count: the runner shows it no others. */
  packets: readonly PacketClass[];
  /** The key a packet counts towards (`packet-keys.ts`), or undefined when it does not count. */
  key(packet: PacketEvent): MapKey | undefined;
  /** What is counted: a distinct value per key (ports, hosts) instead of packets. */
  distinct?(packet: PacketEvent): MapKey;
  /** Count distinct sources per key (a spoofed flood's spread); costs a map per key. */
  countSources?: boolean;
  describe(level: number, windowMs: number, packet: PacketEvent, sources: number): string;
  /**
   * UDP answers do not count: a datagram from B:pb to A:pa within the window after one from A:pa to B:pb is a reply
   * (a DNS server answering a client's changing source ports is not probing them).
   */
  skipUdpReplies?: boolean;
};

/**
 * Per-key state, its episode and its window of distinct values inline (port-scan and host-sweep make a key per SYN on
 * a busy node: one object each); the rate window only for detectors that count packets, the sources window only for
 * those that count sources.
 */
type Entry = Episode &
  DistinctWindow & {
    rate: RateWindow | undefined;
    sources: DistinctWindow | undefined;
    client: Endpoint | undefined;
    server: Endpoint | undefined;
  };
const entry = (): Entry => ({
  active: false,
  lastReport: 0,
  pending: 0,
  started: 0,
  // distinctWindow(), inline
  seen: undefined,
  one: undefined,
  oneAt: 0,
  hasOne: false,
  prunedAt: 0,
  rate: undefined,
  sources: undefined,
  client: undefined,
  server: undefined,
});

/** An evicted entry made new for another key: as `entry()` makes it, its windows kept but emptied (`reuse`). */
const renew = (item: Entry): Entry => {
  item.active = false;
  item.lastReport = 0;
  item.pending = 0;
  item.started = 0;
  emptyDistinct(item);
  if (item.rate !== undefined) emptyRate(item.rate);
  if (item.sources !== undefined) emptyDistinct(item.sources);
  item.client = undefined;
  item.server = undefined;
  return item;
};

const sourcesOf = (item: Entry): DistinctWindow => {
  if (item.sources === undefined) item.sources = distinctWindow();
  return item.sources;
};

const rateOf = (item: Entry): RateWindow => {
  if (item.rate === undefined) item.rate = rateWindow();
  return item.rate;
};

const levelOf = (options: VolumetricOptions, item: Entry, packet: PacketEvent, windowMs: number): number =>
  options.distinct === undefined
    ? addToRate(rateOf(item), packet.ts, windowMs)
    : addDistinct(item, options.distinct(packet), packet.ts, windowMs);

/**
 * Per run: the counted keys and, for reply-aware detectors, when each UDP conversation last sent (by its endpoints,
 * oldest first).
 */
type VolumetricState = {
  entries: BoundedMap<Entry, MapKey>;
  /** Only for `skipUdpReplies` (its 131,072 buckets cost a megabyte and their filling per runner otherwise). */
  udpSent: ConnectionIndex<number> | undefined;
};

const maxConversations = 65_536;

/** Records a UDP datagram's conversation; true when it answers one the other side opened within the window. */
const isUdpReply = (state: VolumetricState, packet: PacketEvent, windowMs: number): boolean => {
  if (packet.transport !== 'udp') return false;
  state.udpSent ??= connectionIndex<number>(17, maxConversations);
  const { src, dst } = packet;
  const srcV4 = packet.srcV4 ?? -1;
  const dstV4 = packet.dstV4 ?? -1;
  const opened = state.udpSent.get(dst.ip, dst.port, src.ip, src.port, dstV4, srcV4);
  if (opened !== undefined && packet.ts - opened.value <= windowMs) return true;
  const sent = state.udpSent.get(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4);
  if (sent === undefined) state.udpSent.add(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4, packet.ts);
  else sent.value = packet.ts;
  return false;
};

const skips = (options: VolumetricOptions, state: VolumetricState, packet: PacketEvent, windowMs: number) =>
  options.skipUdpReplies === true && isUdpReply(state, packet, windowMs);

export const volumetricThreat = (
  options: VolumetricOptions,
): Threat<ReturnType<typeof volumetricConfig>, VolumetricState> => ({
  id: options.id,
  on: ['packet'],
  packets: options.packets,
  config: volumetricConfig(options.severity, options.windowMs, options.threshold),
  scope: 'global',
  initialState: () => ({
    entries: boundedMap<Entry, MapKey>(maxKeys, undefined, renew),
    udpSent: undefined,
  }),
  inspect(event, state, { config }) {
    if (event.kind !== 'packet' || skips(options, state, event, config.windowMs)) return noHits;
    const key = options.key(event);
    if (key === undefined) return noHits;
    const item = state.entries.upsert(key, entry);
    const level = levelOf(options, item, event, config.windowMs);
    const sources =
      options.countSources === true
        ? addDistinct(sourcesOf(item), event.src.ip, event.ts, config.windowMs)
        : 1;
    const wasActive = item.active;
    const count = advanceEpisode(item, event.ts, level, config.threshold);
    if (!wasActive && item.active) {
      // Copies: the engine reuses the packet event.
      item.client = { ip: event.src.ip, port: event.src.port };
      item.server = { ip: event.dst.ip, port: event.dst.port };
    }
    if (count === 0) return noHits;
    return [
      packetHit(options.id, config, {
        ts: event.ts,
        count,
        evidence: options.describe(level, config.windowMs, event, sources),
        client: item.client ?? event.src,
        server: item.server ?? event.dst,
      }),
    ];
  },
});
