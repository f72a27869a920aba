/**
 * Which TCP resets count. RFC 5961 section 3.2: a stack resets a connection only for a RST whose sequence number is
 * exactly the next one it expects; any other is dropped (with a challenge ACK when in the window). A client that
 * sends a reset with a wrong sequence number and then its attack (an IDS evasion) keeps its connection, so the tap
 * must keep reading it: such resets are ignored, counted and noted on the flow.
 */
import { seqAdd, seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';

const syn = 2;
const fin = 1;
const rst = 4;

/** Follows the next sequence number of a direction's sender from every segment it sends (SYN and FIN count one). */
export const trackSequence = (
  side: DirectionState,
  seq: number,
  flags: number,
  payloadLength: number,
): void => {
  if (flags & rst) return;
  const end = seqAdd(seq, payloadLength + (flags & syn ? 1 : 0) + (flags & fin ? 1 : 0));
  if (!side.seqKnown || seqDiff(end, side.nextSeq) > 0) side.nextSeq = end;
  side.seqKnown = true;
};

/** A FIN ending before what its sender already sent (a duplicate or forged): it must not close the flow. */
export const staleFin = (side: DirectionState, seq: number, payloadLength: number): boolean =>
  side.seqKnown && seqDiff(seqAdd(seq, payloadLength), side.nextSeq) < -1;

/**
 * The next sequence number the receiver expects: where the direction's reassembly has put bytes in order (a forged
 * segment far ahead is held there, not counted), else the highest the sender reached, else what the receiver last
 * acknowledged (a sender the tap has not heard yet); undefined before any.
 */
const expectedOf = (side: DirectionState): number | undefined => {
  const reassembler = side.reassembler;
  if (reassembler !== undefined && reassembler.expectedSeq >= 0 && !reassembler.closed)
    return reassembler.expectedSeq;
  if (side.seqKnown) return side.nextSeq;
  return side.peerAck >= 0 ? side.peerAck : undefined;
};

/**
 * A reset the receiver acts on: nothing tells what the receiver expects (no segment from the sender, no ACK from
 * the receiver), or its sequence number is the next one the receiver expects (Linux also takes one less, after a FIN).
 */
export const resetCounts = (side: DirectionState, seq: number): boolean => {
  const expected = expectedOf(side);
  if (expected === undefined) return true;
  const offset = seqDiff(seq, expected);
  return offset === 0 || offset === -1;
};
