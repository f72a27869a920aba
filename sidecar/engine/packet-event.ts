/** The payload-free packet summary observers (volumetric and scan detectors) receive for every decoded packet. */
import type { Transport } from '#core/protocol-id.ts';
import { addressText, type DecodedPacket } from '../decode/decoded-packet.ts';
import type { PacketEvent } from '../threats/threat.ts';

/** For a fragment still waiting for the rest, the transport comes from the IP protocol number. */
const transportOf = (packet: DecodedPacket): Transport => {
  if (packet.transport !== 'other') return packet.transport;
  const byNumber: Record<number, Transport> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
  return byNumber[packet.protocol] ?? 'other';
};

export const packetEvent = (packet: DecodedPacket): PacketEvent => {
  addressText(packet);
  const event: PacketEvent = {
    kind: 'packet',
    ts: packet.ts,
    transport: transportOf(packet),
    src: { ip: packet.src, port: packet.srcPort },
    dst: { ip: packet.dst, port: packet.dstPort },
    payloadLength: packet.payloadLength,
    ipLength: packet.ipLength,
  };
  if (packet.transport === 'tcp') event.tcpFlags = packet.tcpFlags;
  if (packet.icmpType >= 0) event.icmpType = packet.icmpType;
  if (packet.fragment !== undefined) event.fragment = { ...packet.fragment };
  return event;
};
