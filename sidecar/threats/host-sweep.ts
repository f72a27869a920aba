/** Host sweep: one source probing the same port (or pinging) across many hosts within a window. */
import type { PacketEvent } from './threat.ts';
import { isEchoRequest, isSynOnly } from './window/packet-hit.ts';
import { addressValueKey } from './window/packet-keys.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

/** The sweep's probe kind: pings, or SYNs to one port (a scraper reaching many pods on one port stays below the threshold). */
const probeKind = (packet: PacketEvent): string | undefined => {
  if (isEchoRequest(packet)) return 'icmp';
  return isSynOnly(packet) && packet.payloadLength === 0 ? `tcp/${packet.dst.port}` : undefined;
};

const sweep = (packet: PacketEvent) => `${packet.src.ip} ${probeKind(packet)}`;

export const hostSweep = volumetricThreat({
  id: 'host-sweep',
  severity: 'medium',
  windowMs: 10_000,
  threshold: 30,
  packets: ['tcp-syn', 'icmp'],
  // The source and the probe kind: a port below 65,536, or 65,536 for pings.
  key: (packet) => {
    if (isEchoRequest(packet)) return addressValueKey(packet, 'src', 65_536, sweep);
    return isSynOnly(packet) && packet.payloadLength === 0
      ? addressValueKey(packet, 'src', packet.dst.port, sweep)
      : undefined;
  },
  distinct: (packet) => packet.dst.ip,
  describe: (level, windowMs, packet) =>
    `${packet.src.ip} probed ${level} distinct hosts (${probeKind(packet) ?? ''}) within ${windowMs} ms`,
});
