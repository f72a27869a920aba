/** ICMP flood: echo requests from one source to one host faster than any ping, over a sliding window. */
import type { PacketEvent } from './threat.ts';
import { isEchoRequest } from './window/packet-hit.ts';
import { addressPairKey } from './window/packet-keys.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

const pair = (packet: PacketEvent) => `${packet.src.ip}>${packet.dst.ip}`;

export const icmpFlood = volumetricThreat({
  id: 'icmp-flood',
  severity: 'medium',
  windowMs: 1000,
  threshold: 100,
  packets: ['icmp'],
  key: (packet) => (isEchoRequest(packet) ? addressPairKey(packet, 0, pair) : undefined),
  describe: (level, windowMs, packet) =>
    `${level} ICMP echo requests ${packet.src.ip} → ${packet.dst.ip} within ${windowMs} ms`,
});
