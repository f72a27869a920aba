/** Port scan: one source probing many ports of one host (half-open SYNs or empty UDP datagrams) within a window. */
import { isSynOnly } from './window/packet-hit.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

/** A probe carries no payload (SYN) or almost none (UDP service probes). */
const isProbe = (packet: Parameters<typeof isSynOnly>[0]): boolean =>
  (isSynOnly(packet) && packet.payloadLength === 0) ||
  (packet.transport === 'udp' && packet.payloadLength <= 64);

export const portScan = volumetricThreat({
  id: 'port-scan',
  severity: 'medium',
  windowMs: 10_000,
  threshold: 25,
  packets: ['tcp-syn', 'udp'],
  key: (packet) => (isProbe(packet) ? `${packet.transport} ${packet.src.ip}>${packet.dst.ip}` : undefined),
  distinct: (packet) => String(packet.dst.port),
  skipUdpReplies: true,
  describe: (level, windowMs, packet) =>
    `${packet.src.ip} probed ${level} distinct ${packet.transport.toUpperCase()} ports of ${packet.dst.ip} within ${windowMs} ms`,
});
