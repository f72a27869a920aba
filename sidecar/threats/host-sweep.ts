/** Host sweep: one source probing the same port (or pinging) across many hosts within a window. */
import { isEchoRequest, isSynOnly } from './window/packet-hit.ts';
import { volumetricThreat } from './window/volumetric-threat.ts';

/** The sweep's probe kind: pings, or SYNs to one port (a scraper reaching many pods on one port stays below the threshold). */
const probeKind = (packet: Parameters<typeof isSynOnly>[0]): string | undefined => {
  if (isEchoRequest(packet)) return 'icmp';
  return isSynOnly(packet) && packet.payloadLength === 0 ? `tcp/${packet.dst.port}` : undefined;
};

export const hostSweep = volumetricThreat({
  id: 'host-sweep',
  severity: 'medium',
  windowMs: 10_000,
  threshold: 30,
  packets: ['tcp-syn', 'icmp'],
  key: (packet) => {
    const kind = probeKind(packet);
    return kind === undefined ? undefined : `${packet.src.ip} ${kind}`;
  },
  distinct: (packet) => packet.dst.ip,
  describe: (level, windowMs, packet) =>
    `${packet.src.ip} probed ${level} distinct hosts (${probeKind(packet) ?? ''}) within ${windowMs} ms`,
});
