/**
 * Segments the receiving kernel may have dropped, held aside instead of read (ADR 37): past the receive window
 * (window-check.ts), with an acknowledgement it refuses (ack-check.ts), with an authentication option it does not
 * expect (auth-option-check.ts). The kernel took such a segment only if it acknowledges its octets, so it is read
 * once the receiver's ACK passes its end (the tap judged on a view the capture left incomplete: a window update or
 * data it missed), and otherwise never. It is not read where the reassembler already holds out-of-order octets: a
 * late copy must not displace one the kernel took.
 *
 * The trick shows when the kernel acknowledges the place of a copy held aside after its octets came in another
 * segment: the copy was refused and the stream went on without it. Those are counted, by reason, for `tcp-evasion`.
 * A copy never acknowledged is not counted: a capture that ends, or misses the receiver's ACKs, leaves the same.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import { seqAdd, seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';
import { receiverView } from './receiver-view.ts';

/** Why a segment is held aside. */
export type AsideReason = 'window' | 'ack' | 'auth';

/** A segment held aside, its payload copied (the capture chunk is reused). */
export type AsideSegment = {
  seq: number;
  flags: number;
  payload: Uint8Array;
  wireLength: number;
  ts: number;
  urgentPointer: number;
  reason: AsideReason;
  /**
   * A zero-window probe as Windows sends it: one octet at the edge of a closed window. Not counted as a trick (the
   * kernel drops it, and the sender sends the octet again once the window opens).
   */
  probe: boolean;
};

/** Segments held aside per direction at most, and their octets: past either the oldest is given up. */
const maxAside = 64;
const maxAsideBytes = 256 * 1024;

/**
 * Holds the segment aside, its payload copied (none when no one reads the direction's bytes); past the bound the
 * oldest held is given up.
 */
export const holdAside = (
  side: DirectionState,
  packet: DecodedPacket,
  payload: Uint8Array,
  reason: AsideReason,
): void => {
  const view = receiverView(side);
  view.aside ??= [];
  const aside = view.aside;
  aside.push({
    seq: packet.seq,
    flags: packet.tcpFlags,
    payload: payload.slice(),
    wireLength: packet.payloadLength,
    ts: packet.ts,
    urgentPointer: packet.urgentPointer,
    reason,
    probe: reason === 'window' && packet.payloadLength === 1 && packet.seq === view.windowEdge,
  });
  view.asideBytes += payload.length;
  while (aside.length > maxAside || view.asideBytes > maxAsideBytes) {
    const oldest = aside.shift() as AsideSegment;
    view.asideBytes -= oldest.payload.length;
  }
};

/**
 * The receiver acknowledged up to `ackNumber`: the segments held aside that this passes were taken by the kernel,
 * returned in the order they came to be read; `readable` says whether the reassembler holds nothing out of order
 * (else they are given up). Those still ahead of the ACK stay.
 */
export const takenAside = (side: DirectionState, ackNumber: number, readable: boolean): AsideSegment[] => {
  const view = side.view;
  const aside = view?.aside;
  if (view === undefined || aside === undefined || aside.length === 0) return [];
  const taken: AsideSegment[] = [];
  const kept: AsideSegment[] = [];
  for (const segment of aside) {
    if (seqDiff(ackNumber, seqAdd(segment.seq, segment.wireLength)) < 0) kept.push(segment);
    else if (readable) taken.push(segment);
  }
  view.aside = kept;
  view.asideBytes = kept.reduce((sum, segment) => sum + segment.payload.length, 0);
  return taken;
};

/**
 * A segment taken from aside: when the stream's in-order point (`expected`, -1 when not known) is already past its
 * start, its octets came in another segment the kernel took, so this copy was refused: counted.
 */
export const countRefusedCopy = (side: DirectionState, segment: AsideSegment, expected: number): void => {
  if (expected < 0 || segment.probe || seqDiff(expected, segment.seq) <= 0) return;
  const view = receiverView(side);
  view.asideDrops ??= { window: 0, ack: 0, auth: 0 };
  view.asideDrops[segment.reason] += 1;
};
