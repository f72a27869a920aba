/** Builds the hit a packet-level detector reports, with the endpoints it names and the count of occurrences. */
import type { Endpoint, Severity } from '#core/finding.ts';
import type { PacketEvent, ThreatHit } from '../threat.ts';

export const tcpFlag = { fin: 1, syn: 2, rst: 4, psh: 8, ack: 16, urg: 32 } as const;

/** SYN without ACK: the first packet of a TCP handshake. */
export const isSynOnly = (packet: PacketEvent): boolean =>
  packet.transport === 'tcp' &&
  ((packet.tcpFlags ?? 0) & tcpFlag.syn) !== 0 &&
  ((packet.tcpFlags ?? 0) & tcpFlag.ack) === 0;

/** ICMP echo request (type 8) or ICMPv6 echo request (type 128). */
export const isEchoRequest = (packet: PacketEvent): boolean =>
  (packet.transport === 'icmp' && packet.icmpType === 8) ||
  (packet.transport === 'icmpv6' && packet.icmpType === 128);

export const isEcho = (packet: PacketEvent): boolean =>
  isEchoRequest(packet) ||
  (packet.transport === 'icmp' && packet.icmpType === 0) ||
  (packet.transport === 'icmpv6' && packet.icmpType === 129);

/**
 * Data bytes an IP fragment carried itself. A fragment still waiting for the rest has no transport payload yet
 * (payloadLength 0), so its size is the IP length less the smallest header: 20 for IPv4, 40 + the 8-byte
 * fragment header for IPv6 (options make the estimate larger, never smaller).
 */
export const fragmentBytes = (packet: PacketEvent): number =>
  packet.ipLength - (packet.src.ip.includes(':') ? 48 : 20);

export const packetHit = (
  threat: string,
  config: { severity: Severity },
  fields: {
    ts: number;
    count: number;
    evidence: string;
    client: Endpoint;
    server: Endpoint;
    confidence?: number;
  },
): ThreatHit => ({
  threat,
  severity: config.severity,
  confidence: fields.confidence ?? 0.8,
  evidence: fields.evidence,
  ts: fields.ts,
  count: Math.max(1, Math.round(fields.count)),
  // Copies: the engine reuses the packet event whose endpoints these often are.
  client: { ip: fields.client.ip, port: fields.client.port },
  server: { ip: fields.server.ip, port: fields.server.port },
});
