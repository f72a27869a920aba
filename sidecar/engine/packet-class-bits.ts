/**
 * The packet classes (`PacketClass`) as bits, worked out from a packet's few facts: the engine asks before it builds
 * a packet event (none is built for a packet no observer reads), and the threat runner to route one to detectors.
 */
import type { Transport } from '#core/protocol-id.ts';
import type { PacketClass } from '../threats/threat.ts';

export const packetClassBit: Readonly<Record<PacketClass, number>> = {
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
  classes?.reduce((mask, name) => mask | packetClassBit[name], 0);

const transportBits = (transport: Transport, tcpFlags: number): number => {
  switch (transport) {
    case 'tcp':
      // SYN without ACK, as `isSynOnly` reads it.
      return (tcpFlags & 2) !== 0 && (tcpFlags & 16) === 0
        ? packetClassBit['tcp-syn']
        : packetClassBit['tcp-other'];
    case 'udp':
      return packetClassBit.udp;
    case 'icmp':
    case 'icmpv6':
      return packetClassBit.icmp;
    default:
      return 0;
  }
};

/**
 * The classes of a packet with this transport (from the IP protocol number for a fragment still waiting), TCP flags
 * (0 when it has none: a waiting fragment), fragment or not, and IP length. 0: no class (another IP protocol).
 */
export const packetClassBits = (
  transport: Transport,
  tcpFlags: number,
  fragment: boolean,
  ipLength: number,
): number =>
  transportBits(transport, tcpFlags) |
  (fragment ? packetClassBit.fragment : 0) |
  (ipLength > 65_535 ? packetClassBit.oversized : 0);
