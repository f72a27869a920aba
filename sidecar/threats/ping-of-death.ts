/** Ping of death and oversized ICMP: fragments that reassemble past 65,535 bytes, and echo payloads larger than any ping needs. */
import { z } from 'zod';
import { detectorConfig, noHits, type PacketEvent, type Threat, type ThreatHit } from './threat.ts';
import { fragmentBytes, isEchoRequest, packetHit } from './window/packet-hit.ts';

const maxDatagram = 65_535;
const config = detectorConfig('high', {
  /** Echo payload bytes above which an ICMP echo is "oversized" (a standard ping sends 56). */
  maxEchoPayload: z.number().int().positive().default(1472),
});

/**
 * Fragment offset is in bytes: a fragment ending past 65,535 overflows the reassembly buffer (CVE-1999-0128).
 * A packet that completed reassembly carries the whole datagram's length (at least its offset), so it is not judged.
 */
const overflows = (event: PacketEvent): boolean =>
  event.ipLength > maxDatagram ||
  (event.fragment !== undefined &&
    event.ipLength < event.fragment.offset &&
    event.fragment.offset + fragmentBytes(event) > maxDatagram);

export const pingOfDeath: Threat<typeof config, undefined> = {
  id: 'ping-of-death',
  on: ['packet'],
  packets: ['oversized', 'fragment', 'icmp'],
  config,
  scope: 'global',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet') return noHits;
    const fields = { ts: event.ts, count: 1, client: event.src, server: event.dst };
    if (overflows(event)) {
      const evidence = `IP datagram or fragment at offset ${event.fragment?.offset ?? 0} with ${event.ipLength} bytes ends past 65535`;
      return [packetHit('ping-of-death', c, { ...fields, evidence, confidence: 0.95 })];
    }
    // Requests only: the reply to an oversized ping is the victim answering, not a second attack.
    if (isEchoRequest(event) && event.payloadLength > c.maxEchoPayload) {
      const evidence = `oversized ICMP echo: ${event.payloadLength} payload bytes (limit ${c.maxEchoPayload})`;
      return [packetHit('ping-of-death', { severity: 'medium' }, { ...fields, evidence, confidence: 0.7 })];
    }
    return noHits;
  },
};
