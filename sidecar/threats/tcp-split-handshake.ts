/** TCP split handshake: the "server" answers a SYN with its own SYN instead of SYN-ACK, confusing which side is the client. */
import { z } from 'zod';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { type ConnectionIndex, connectionIndex } from './window/connection-index.ts';
import { isSynOnly, packetHit } from './window/packet-hit.ts';

const config = detectorConfig('medium', {
  /** How long a SYN waits for its answer. */
  handshakeMs: z.number().int().positive().default(3000),
});

/** When each SYN's connection was first opened, oldest first (the bound drops the oldest). */
type Pending = ConnectionIndex<number>;

export const tcpSplitHandshake: Threat<typeof config, Pending> = {
  id: 'tcp-split-handshake',
  on: ['packet'],
  packets: ['tcp-syn'],
  config,
  scope: 'global',
  initialState: () => connectionIndex<number>(15, 16_384),
  inspect(event, pending, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || !isSynOnly(event)) return noHits;
    const { src, dst } = event;
    const srcV4 = event.srcV4 ?? -1;
    const dstV4 = event.dstV4 ?? -1;
    const answered = pending.get(dst.ip, dst.port, src.ip, src.port, dstV4, srcV4);
    if (answered !== undefined && event.ts - answered.value <= c.handshakeMs) {
      pending.delete(dst.ip, dst.port, src.ip, src.port, dstV4, srcV4);
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
    if (pending.get(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4) === undefined)
      pending.add(src.ip, src.port, dst.ip, dst.port, srcV4, dstV4, event.ts);
    return noHits;
  },
};
