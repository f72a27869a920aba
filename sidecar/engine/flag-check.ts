/**
 * Segments the receiving Linux kernel discards for their flags, which an inspector that reads every segment would
 * take in (insertion, Ptacek and Newsham 1998):
 * - a segment that carries data or a FIN without the ACK flag (and without SYN or RST): every synchronised state
 *   discards it (tcp_rcv_state_process and tcp_rcv_established, drop reason TCP_FLAGS);
 * - data on a SYN once the sender is past its handshake (it sent a segment without SYN), or on a SYN with another
 *   sequence number than its first: in a synchronised connection a SYN is answered with a challenge ACK and dropped
 *   (RFC 5961 section 4), while a tap taking it for TCP Fast Open would read its bytes one after its sequence
 *   number. Only the first SYN, or its retransmission before the handshake ends, carries data that counts.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import type { DirectionState } from './flow-state.ts';

const fin = 1;
const syn = 2;
const rst = 4;
const ack = 16;

export const flagsRejected = (side: DirectionState, packet: DecodedPacket): boolean => {
  const flags = packet.tcpFlags;
  if (flags & rst) return false;
  if (flags & syn) {
    if (side.isn < 0) side.isn = packet.seq;
    return packet.payloadLength > 0 && (side.pastSyn || packet.seq !== side.isn);
  }
  if ((flags & ack) === 0) return packet.payloadLength > 0 || (flags & fin) !== 0;
  side.pastSyn = true;
  return false;
};
