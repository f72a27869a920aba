/** ICMP tunnel: a stream of echo packets with large, varying payloads between two hosts (ptunnel, icmpsh, hans). */
import { z } from 'zod';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { addDistinct, distinctWindow } from './window/distinct-window.ts';
import { advanceEpisode, episode } from './window/episode.ts';
import { isEcho, packetHit } from './window/packet-hit.ts';
import { addToRate, rateWindow } from './window/rate-window.ts';

const config = detectorConfig('high', {
  windowMs: z.number().int().positive().default(10_000),
  /** Echo payloads up to this size are ordinary pings (Linux 56, Windows 32 bytes). */
  normalPayload: z.number().int().positive().default(64),
  /** Large echoes within the window that start an episode. */
  threshold: z.number().int().positive().default(10),
  /** Distinct large payload sizes required: tools vary sizes, `ping -s N` does not. */
  minSizes: z.number().int().positive().default(3),
});

const pair = () => ({ rate: rateWindow(), sizes: distinctWindow(), episode: episode() });

export const icmpTunnel: Threat<typeof config, ReturnType<typeof boundedMap<ReturnType<typeof pair>>>> = {
  id: 'icmp-tunnel',
  on: ['packet'],
  packets: ['icmp'],
  config,
  scope: 'global',
  initialState: () => boundedMap(4096),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || !isEcho(event) || event.payloadLength <= c.normalPayload) return noHits;
    const hosts = [event.src.ip, event.dst.ip].sort();
    const item = state.upsert(hosts.join('<>'), pair);
    const level = addToRate(item.rate, event.ts, c.windowMs);
    const sizes = addDistinct(item.sizes, String(event.payloadLength), event.ts, c.windowMs);
    const count = advanceEpisode(item.episode, event.ts, sizes >= c.minSizes ? level : 0, c.threshold);
    if (count === 0) return noHits;
    const evidence = `${level} ICMP echoes with large payloads (${sizes} sizes) between ${hosts.join(' and ')} within ${c.windowMs} ms`;
    return [
      packetHit('icmp-tunnel', c, { ts: event.ts, count, evidence, client: event.src, server: event.dst }),
    ];
  },
};
