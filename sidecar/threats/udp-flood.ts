/** UDP flood: one source sending datagrams to one host far above any service's normal rate, over a sliding window. */
import type { PacketEvent } from './threat.ts';
import { addressPairKey } from './window/packet-keys.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

const pair = (packet: PacketEvent) => `${packet.src.ip}>${packet.dst.ip}`;

export const udpFlood = volumetricThreat({
  id: 'udp-flood',
  severity: 'high',
  windowMs: 1000,
  threshold: 5000,
  packets: ['udp'],
  key: (packet) => (packet.transport === 'udp' ? addressPairKey(packet, 0, pair) : undefined),
  describe: (level, windowMs, packet) =>
    `${level} UDP datagrams ${packet.src.ip} → ${packet.dst.ip} within ${windowMs} ms`,
});
