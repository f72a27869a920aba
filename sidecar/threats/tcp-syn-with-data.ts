/** TCP SYN with data: payload on the first handshake packet, used to slip data past stateful filters (TCP Fast Open aside). */
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { isSynOnly, packetHit } from './window/packet-hit.ts';

const config = detectorConfig('low', {});

export const tcpSynWithData: Threat<typeof config, undefined> = {
  id: 'tcp-syn-with-data',
  on: ['packet'],
  packets: ['tcp-syn'],
  config,
  scope: 'global',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || !isSynOnly(event) || event.payloadLength === 0) return noHits;
    const evidence = `SYN carrying ${event.payloadLength} payload bytes ${event.src.ip}:${event.src.port} → ${event.dst.ip}:${event.dst.port}`;
    return [
      packetHit('tcp-syn-with-data', c, {
        ts: event.ts,
        count: 1,
        evidence,
        client: event.src,
        server: event.dst,
      }),
    ];
  },
};
