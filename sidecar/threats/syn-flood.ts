/** SYN flood: a burst of handshake openings (SYN without ACK) towards one host, however many sources, over a sliding window. */
import type { PacketEvent } from './threat.ts';
import { isSynOnly } from './window/packet-hit.ts';
import { addressValueKey } from './window/packet-keys.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

const target = (packet: PacketEvent) => `${packet.dst.ip}:${packet.dst.port}`;

export const synFlood = volumetricThreat({
  id: 'syn-flood',
  severity: 'high',
  windowMs: 1000,
  threshold: 300,
  countSources: true,
  packets: ['tcp-syn'],
  // Per target service: a flood hammers one port, while a SYN scan spreads over many (port-scan reports that).
  key: (packet) => (isSynOnly(packet) ? addressValueKey(packet, 'dst', packet.dst.port, target) : undefined),
  describe: (level, windowMs, packet, sources) =>
    `${level} SYN without ACK to ${packet.dst.ip}:${packet.dst.port} within ${windowMs} ms from ${sources} source(s)`,
});
