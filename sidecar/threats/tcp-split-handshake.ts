/** TCP split handshake: the "server" answers a SYN with its own SYN instead of SYN-ACK, confusing which side is the client. */
import { z } from 'zod';
import { detectorConfig, noHits, type PacketEvent, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { isSynOnly, packetHit } from './window/packet-hit.ts';
import { connectionKey, reverseConnectionKey } from './window/packet-keys.ts';

const config = detectorConfig('medium', {
  /** How long a SYN waits for its answer. */
  handshakeMs: z.number().int().positive().default(3000),
});

const endpoints = (a: { ip: string; port: number }, b: { ip: string; port: number }): string =>
  `${a.ip}:${a.port}>${b.ip}:${b.port}`;
const opening = (packet: PacketEvent) => endpoints(packet.src, packet.dst);
const answering = (packet: PacketEvent) => endpoints(packet.dst, packet.src);

export const tcpSplitHandshake: Threat<typeof config, ReturnType<typeof boundedMap<number>>> = {
  id: 'tcp-split-handshake',
  on: ['packet'],
  packets: ['tcp-syn'],
  config,
  scope: 'global',
  initialState: () => boundedMap<number>(16_384),
  inspect(event, pending, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || !isSynOnly(event)) return noHits;
    const reverse = reverseConnectionKey(event, answering);
    const openedAt = pending.get(reverse);
    if (openedAt !== undefined && event.ts - openedAt <= c.handshakeMs) {
      pending.delete(reverse);
      const evidence = `${event.src.ip}:${event.src.port} answered a SYN from ${event.dst.ip}:${event.dst.port} with its own SYN`;
      return [
        packetHit('tcp-split-handshake', c, {
          ts: event.ts,
          count: 1,
          evidence,
          client: event.dst,
          server: event.src,
        }),
      ];
    }
    pending.upsert(connectionKey(event, opening), () => event.ts);
    return noHits;
  },
};
