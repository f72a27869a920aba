/** ICMP flood: echo requests from one source to one host faster than any ping, over a sliding window. */
import { isEchoRequest } from './window/packet-hit.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

export const icmpFlood = volumetricThreat({
  id: 'icmp-flood',
  severity: 'medium',
  windowMs: 1000,
  threshold: 100,
  packets: ['icmp'],
  key: (packet) => (isEchoRequest(packet) ? `${packet.src.ip}>${packet.dst.ip}` : undefined),
  describe: (level, windowMs, packet) =>
    `${level} ICMP echo requests ${packet.src.ip} → ${packet.dst.ip} within ${windowMs} ms`,
});
