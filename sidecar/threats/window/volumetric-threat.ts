/** Builds a rate detector: packets selected by a key (target, source→target) over a sliding window, reported per episode. */
import { z } from 'zod';
import type { Endpoint, Severity } from '#core/finding.ts';
import { detectorConfig, noHits, type PacketEvent, type Threat } from '../threat.ts';
import { boundedMap } from './bounded-map.ts';
import { addDistinct, type DistinctWindow, distinctWindow } from './distinct-window.ts';
import { advanceEpisode, episode } from './episode.ts';
import { packetHit } from './packet-hit.ts';
import { addToRate, rateWindow } from './rate-window.ts';

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
  /** The key a packet counts towards, or undefined when it does not count. */
  key(packet: PacketEvent): string | undefined;
  /** What is counted: a distinct value per key (ports, hosts) instead of packets. */
  distinct?(packet: PacketEvent): string;
  /** Count distinct sources per key (a spoofed flood's spread); costs a map per key. */
  countSources?: boolean;
  describe(level: number, windowMs: number, packet: PacketEvent, sources: number): string;
};

/** Per-key state; the distinct windows are allocated only by detectors that count distinct values or sources. */
const entry = () => ({
  rate: rateWindow(),
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

const levelOf = (options: VolumetricOptions, item: Entry, packet: PacketEvent, windowMs: number): number =>
  options.distinct === undefined
    ? addToRate(item.rate, packet.ts, windowMs)
    : addDistinct(windowOf(item, 'values'), options.distinct(packet), packet.ts, windowMs);

export const volumetricThreat = (
  options: VolumetricOptions,
): Threat<ReturnType<typeof volumetricConfig>, ReturnType<typeof boundedMap<Entry>>> => ({
  id: options.id,
  on: ['packet'],
  config: volumetricConfig(options.severity, options.windowMs, options.threshold),
  scope: 'global',
  initialState: () => boundedMap<Entry>(maxKeys),
  inspect(event, state, { config }) {
    if (event.kind !== 'packet') return noHits;
    const key = options.key(event);
    if (key === undefined) return noHits;
    const item = state.upsert(key, entry);
    const level = levelOf(options, item, event, config.windowMs);
    const sources =
      options.countSources === true
        ? addDistinct(windowOf(item, 'sources'), event.src.ip, event.ts, config.windowMs)
        : 1;
    const wasActive = item.episode.active;
    const count = advanceEpisode(item.episode, event.ts, level, config.threshold);
    if (!wasActive && item.episode.active) {
      item.client = event.src;
      item.server = event.dst;
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
