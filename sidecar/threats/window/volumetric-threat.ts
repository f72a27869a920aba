/** Builds a rate detector: packets selected by a key (target, source→target) over a sliding window, reported per episode. */
import { z } from 'zod';
import type { Endpoint, Severity } from '#core/finding.ts';
import { detectorConfig, noHits, type PacketClass, type PacketEvent, type Threat } from '../threat.ts';
import { type BoundedMap, boundedMap, type MapKey } from './bounded-map.ts';
import { addDistinct, type DistinctWindow, distinctWindow } from './distinct-window.ts';
import { advanceEpisode, episode } from './episode.ts';
import { packetHit } from './packet-hit.ts';
import { connectionKey, reverseConnectionKey } from './packet-keys.ts';
import { addToRate, type RateWindow, rateWindow } from './rate-window.ts';

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
 * Per-key state; the rate window only for detectors that count packets, the distinct windows only for those that count
 * values or sources (at the key bound a new key comes with most SYNs: what it allocates adds up).
 */
const entry = () => ({
  rate: undefined as RateWindow | undefined,
  values: undefined as DistinctWindow | undefined,
  sources: undefined as DistinctWindow | undefined,
  episode: episode(),
  client: undefined as Endpoint | undefined,
  server: undefined as Endpoint | undefined,
});
type Entry = ReturnType<typeof entry>;

const windowOf = (item: Entry, field: 'values' | 'sources'): DistinctWindow => {
  const found = item[field];
  if (found !== undefined) return found;
  const created = distinctWindow();
  item[field] = created;
  return created;
};

const rateOf = (item: Entry): RateWindow => {
  if (item.rate === undefined) item.rate = rateWindow();
  return item.rate;
};

const levelOf = (options: VolumetricOptions, item: Entry, packet: PacketEvent, windowMs: number): number =>
  options.distinct === undefined
    ? addToRate(rateOf(item), packet.ts, windowMs)
    : addDistinct(windowOf(item, 'values'), options.distinct(packet), packet.ts, windowMs);

/** Per run: the counted keys and, for reply-aware detectors, when each UDP conversation last sent. */
type VolumetricState = { entries: BoundedMap<Entry, MapKey>; udpSent: BoundedMap<{ ts: number }> };

const maxConversations = 65_536;
const conversation = (from: Endpoint, to: Endpoint) => `${from.ip} ${from.port}>${to.ip} ${to.port}`;
const sent = (packet: PacketEvent) => conversation(packet.src, packet.dst);
const answered = (packet: PacketEvent) => conversation(packet.dst, packet.src);

/** Records a UDP datagram's conversation; true when it answers one the other side opened within the window. */
const isUdpReply = (state: VolumetricState, packet: PacketEvent, windowMs: number): boolean => {
  if (packet.transport !== 'udp') return false;
  const opened = state.udpSent.get(reverseConnectionKey(packet, answered));
  if (opened !== undefined && packet.ts - opened.ts <= windowMs) return true;
  state.udpSent.upsert(connectionKey(packet, sent), () => ({ ts: packet.ts })).ts = packet.ts;
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
    entries: boundedMap<Entry, MapKey>(maxKeys),
    udpSent: boundedMap(maxConversations),
  }),
  inspect(event, state, { config }) {
    if (event.kind !== 'packet' || skips(options, state, event, config.windowMs)) return noHits;
    const key = options.key(event);
    if (key === undefined) return noHits;
    const item = state.entries.upsert(key, entry);
    const level = levelOf(options, item, event, config.windowMs);
    const sources =
      options.countSources === true
        ? addDistinct(windowOf(item, 'sources'), event.src.ip, event.ts, config.windowMs)
        : 1;
    const wasActive = item.episode.active;
    const count = advanceEpisode(item.episode, event.ts, level, config.threshold);
    if (!wasActive && item.episode.active) {
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
