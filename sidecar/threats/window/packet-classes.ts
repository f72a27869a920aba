/** A packet event's classes (`PacketClass`) as bits, as the engine works them out for the decoded packet. */
import { packetClassBits } from '../../engine/packet-class-bits.ts';
import type { PacketEvent } from '../threat.ts';

export { packetClassMask, packetClassMasks } from '../../engine/packet-class-bits.ts';

/** The classes a packet is in, as bits. */
export const packetClasses = (packet: PacketEvent): number =>
  packetClassBits(packet.transport, packet.tcpFlags ?? 0, packet.fragment !== undefined, packet.ipLength);
