/** Chooses the client of a new flow from its first packet: the SYN, the SYN-ACK, ICMP echo, else ports, else the sender. */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import type { Orientation } from './flow.ts';

const syn = 2;
const ack = 16;
/** Where operating systems pick client ports: Linux 32768-60999, IANA/Windows/BSD 49152-65535. */
const ephemeralFloor = 32_768;
const icmpRequests = new Set([8, 13, 15, 17, 128]);
const icmpReplies = new Set([0, 14, 16, 18, 129]);

/** A well-known or registered port facing an ephemeral one is the server's (a guess, so the flow is `partial`). */
const byPorts = (srcPort: number, dstPort: number): boolean | undefined => {
  const low = Math.min(srcPort, dstPort);
  const high = Math.max(srcPort, dstPort);
  if (low === high || low === 0) return undefined;
  if (low < 1024 && high >= 1024) return dstPort === low;
  if (low < ephemeralFloor && high >= ephemeralFloor) return dstPort === low;
  return undefined;
};

/** `srcIsClient` says whether the packet's sender is the client. */
export const orient = (packet: DecodedPacket): { srcIsClient: boolean; orientation: Orientation } => {
  if (packet.transport === 'tcp' && packet.tcpFlags & syn) {
    return packet.tcpFlags & ack
      ? { srcIsClient: false, orientation: 'syn-ack' }
      : { srcIsClient: true, orientation: 'syn' };
  }
  if (packet.transport === 'icmp' || packet.transport === 'icmpv6') {
    if (icmpRequests.has(packet.icmpType)) return { srcIsClient: true, orientation: 'first-packet' };
    if (icmpReplies.has(packet.icmpType)) return { srcIsClient: false, orientation: 'first-packet' };
  }
  const guess = byPorts(packet.srcPort, packet.dstPort);
  if (guess !== undefined) return { srcIsClient: guess, orientation: 'port-heuristic' };
  return { srcIsClient: true, orientation: 'first-packet' };
};
