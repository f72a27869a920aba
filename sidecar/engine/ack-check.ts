/**
 * Acknowledgements the receiving kernel refuses, and with them the segment's data (RFC 9293 section 3.10.7.4;
 * RFC 5961 section 5.2; Linux `tcp_ack`, drop reasons TCP_ACK_UNSENT_DATA and TCP_TOO_OLD_ACK): an ACK of octets the
 * receiver never sent, or one further behind what it has had acknowledged than the largest window the sender ever
 * offered. A harmless copy carrying such an ACK is dropped by the kernel and was read by the tap (the kernel-streams
 * oracle's `unsent-ack` and `old-ack` tricks). Such a segment is held aside (held-aside.ts), so the tap's view of
 * what the receiver sent, which capture loss can leave behind, costs a delay rather than bytes. Only on connections
 * whose handshake was seen: picked up mid-stream, the tap has not seen all the receiver sent.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import { seqAdd, seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';

const syn = 2;
const rst = 4;
const ack = 16;

/**
 * `side` is the segment's direction, `other` the receiver's: how far its sender has sent (the receiver's SND.NXT),
 * what this segment's sender has acknowledged of it (SND.UNA), and the largest window this sender offered it
 * (`max_window`).
 */
export const ackRefused = (side: DirectionState, other: DirectionState, packet: DecodedPacket): boolean => {
  const flags = packet.tcpFlags;
  // A reset is judged by its sequence number alone (reset-check.ts); a SYN belongs to the handshake.
  if ((flags & ack) === 0 || (flags & (syn | rst)) !== 0 || side.isn < 0 || other.isn < 0) return false;
  if (other.seqKnown && seqDiff(packet.ack, other.nextSeq) > 0) return true;
  const maxWindow = other.view?.maxWindow ?? 0;
  return other.peerAck >= 0 && maxWindow > 0 && seqDiff(packet.ack, seqAdd(other.peerAck, -maxWindow)) < 0;
};
