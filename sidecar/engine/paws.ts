/**
 * PAWS (RFC 7323 section 5), as Linux applies it: on a connection that uses TCP timestamps, a segment whose TSval is
 * older than the last one accepted in order is dropped by the receiver. A client that sends a forged segment with an
 * old timestamp first (an insertion attack) gets the pod to read the real one that follows, so the tap drops the
 * forged one too. Only segments that carry data or a FIN are judged (pure ACKs may be reordered; RSTs are exempt).
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import { seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';

const fin = 1;
const rst = 4;

export const pawsRejects = (side: DirectionState, packet: DecodedPacket): boolean =>
  side.tsRecent >= 0 &&
  packet.tsVal >= 0 &&
  (packet.tcpFlags & rst) === 0 &&
  (packet.payloadLength > 0 || (packet.tcpFlags & fin) !== 0) &&
  seqDiff(packet.tsVal, side.tsRecent) < 0;

/**
 * Remembers the timestamp of a segment the receiver takes in order (at or before the next expected octet), as Linux
 * updates ts_recent; one far ahead cannot move it, so forged segments cannot make the tap drop real ones.
 */
export const notePaws = (side: DirectionState, packet: DecodedPacket): void => {
  if (packet.tsVal < 0) return;
  const expected = side.reassembler?.expectedSeq ?? -1;
  if (expected < 0 || seqDiff(packet.seq, expected) <= 0) side.tsRecent = packet.tsVal;
};
