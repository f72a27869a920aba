/** The packet classes (`PacketClass`) as bits: a packet's classes and a detector's declared ones, compared per packet. */
import type { PacketClass, PacketEvent } from '../threat.ts';

const bits: Record<PacketClass, number> = {
  'tcp-syn': 1,
  'tcp-other': 2,
  udp: 4,
  icmp: 8,
  fragment: 16,
  oversized: 32,
};

/** One more than the largest mask: the size of a table indexed by a packet's classes. */
export const packetClassMasks = 64;

/** The bits of the declared classes; undefined (every packet) stays undefined. */
export const packetClassMask = (classes: readonly PacketClass[] | undefined): number | undefined =>
  classes?.reduce((mask, name) => mask | bits[name], 0);

const transportBits = (packet: PacketEvent): number => {
  switch (packet.transport) {
    case 'tcp': {
      const flags = packet.tcpFlags ?? 0;
      // SYN without ACK, as `isSynOnly` reads it.
      return (flags & 2) !== 0 && (flags & 16) === 0 ? bits['tcp-syn'] : bits['tcp-other'];
    }
    case 'udp':
      return bits.udp;
    case 'icmp':
    case 'icmpv6':
      return bits.icmp;
    default:
      return 0;
  }
};

/** The classes a packet is in, as bits. */
export const packetClasses = (packet: PacketEvent): number =>
  transportBits(packet) |
  (packet.fragment === undefined ? 0 : bits.fragment) |
  (packet.ipLength > 65_535 ? bits.oversized : 0);
