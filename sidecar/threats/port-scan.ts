/** Port scan: one source probing many ports of one host (half-open SYNs or empty UDP datagrams) within a window. */
import type { PacketEvent } from './threat.ts';
import { isSynOnly } from './window/packet-hit.ts';
import { addressPairKey } from './window/packet-keys.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

/** A probe carries no payload (SYN) or almost none (UDP service probes). */
const isProbe = (packet: PacketEvent): boolean =>
  (isSynOnly(packet) && packet.payloadLength === 0) ||
  (packet.transport === 'udp' && packet.payloadLength <= 64);

const probes = (packet: PacketEvent) => `${packet.transport} ${packet.src.ip}>${packet.dst.ip}`;

export const portScan = volumetricThreat({
  id: 'port-scan',
  severity: 'medium',
  windowMs: 10_000,
  threshold: 25,
  packets: ['tcp-syn', 'udp'],
  // Probes are TCP or UDP: the tag keeps the two apart, as the transport in the text does.
  key: (packet) =>
    isProbe(packet) ? addressPairKey(packet, packet.transport === 'tcp' ? 1 : 2, probes) : undefined,
  distinct: (packet) => packet.dst.port,
  skipUdpReplies: true,
  describe: (level, windowMs, packet) =>
    `${packet.src.ip} probed ${level} distinct ${packet.transport.toUpperCase()} ports of ${packet.dst.ip} within ${windowMs} ms`,
});
