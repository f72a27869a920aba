/**
 * Data past the receive window (Ptacek and Newsham 1998; ADR 36). The receiving Linux kernel drops a segment that
 * starts at or past the right edge of the window it last offered (tcp_sequence, tcp_data_queue: drop reasons
 * TCP_INVALID_SEQUENCE, TCP_OVERWINDOW, TCP_ZEROWINDOW), and since 6.x one that ends past it while the application
 * has unread data (TCP_INVALID_END_SEQUENCE). A client that sends a harmless copy a window ahead, then the bytes up
 * to it, then the real ones, has the kernel read the real ones while a tap that held the copy read the copy.
 *
 * The tap knows the window from the receiver's own segments: the ACK number plus the window field, shifted by the
 * scale the receiver announced on its SYN when both SYNs announced one (RFC 7323 section 2). Without both SYNs the
 * scale, and so the window, is unknown, and nothing is checked. A segment that ends past the edge is held aside
 * rather than read: the kernel took it only if it acknowledges its bytes, so it is read once the receiver's ACK
 * passes its end (the tap missed a window update: capture loss), and otherwise never. A segment held aside is not
 * read where the reassembler already holds out-of-order bytes: a late copy must not displace one that came in the
 * window. What is never read is counted (`windowDrops`) for `tcp-evasion`.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import { seqAdd, seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';

const syn = 2;
const ack = 16;
/** RFC 7323 section 2.3: a shift past 14 is taken as 14. */
const maxShift = 14;
/** Held aside per direction at most: past it the oldest is dropped (counted), as the kernel would have. */
const maxAside = 64;
const maxAsideBytes = 256 * 1024;

/** A segment held aside, its payload copied (the capture chunk is reused). */
export type AsideSegment = {
  seq: number;
  flags: number;
  payload: Uint8Array;
  wireLength: number;
  ts: number;
  urgentPointer: number;
  /**
   * A zero-window probe as Windows sends it: one octet at the edge of a closed window. Not counted as a trick (the
   * kernel drops it, and the sender sends the octet again once the window opens).
   */
  probe: boolean;
};

/** The window scale option on this sender's SYN (-1: none), for the windows it offers later. */
export const noteWindowScale = (sender: DirectionState, packet: DecodedPacket): void => {
  if (packet.tcpFlags & syn) sender.windowScale = packet.windowScale;
};

/**
 * The right edge of the window a packet's sender offers the other direction (in that direction's sequence numbers),
 * or undefined when its scale is not known.
 */
const offeredEdge = (
  sender: DirectionState,
  other: DirectionState,
  packet: DecodedPacket,
): number | undefined => {
  // The window on a SYN is never scaled (RFC 7323 section 2.2).
  if (packet.tcpFlags & syn) return seqAdd(packet.ack, packet.window);
  if (sender.isn < 0 || other.isn < 0) return undefined;
  const scaled = sender.windowScale >= 0 && other.windowScale >= 0;
  return seqAdd(packet.ack, packet.window * 2 ** (scaled ? Math.min(sender.windowScale, maxShift) : 0));
};

/** A packet with ACK from the receiver of `other`: the edge of the window it offers moves right (Linux never shrinks it). */
export const noteOfferedWindow = (
  sender: DirectionState,
  other: DirectionState,
  packet: DecodedPacket,
): void => {
  if ((packet.tcpFlags & ack) === 0) return;
  const edge = offeredEdge(sender, other, packet);
  if (edge === undefined) return;
  if (!other.edgeKnown || seqDiff(edge, other.windowEdge) > 0) other.windowEdge = edge;
  other.edgeKnown = true;
};

/** The segment's data ends past the window its receiver offered (a SYN's data is not checked: no window yet). */
export const pastWindow = (side: DirectionState, packet: DecodedPacket): boolean =>
  side.edgeKnown &&
  packet.payloadLength > 0 &&
  (packet.tcpFlags & syn) === 0 &&
  seqDiff(seqAdd(packet.seq, packet.payloadLength), side.windowEdge) > 0;

const dropped = (side: DirectionState, segment: AsideSegment): void => {
  if (!segment.probe) side.windowDrops += 1;
};

/**
 * Holds the segment aside, its payload copied (none when no one reads the direction's bytes: it is still counted
 * unless acknowledged); past the bound the oldest held is given up.
 */
export const holdAside = (side: DirectionState, packet: DecodedPacket, payload: Uint8Array): void => {
  side.aside ??= [];
  const aside = side.aside;
  aside.push({
    seq: packet.seq,
    flags: packet.tcpFlags,
    payload: payload.slice(),
    wireLength: packet.payloadLength,
    ts: packet.ts,
    urgentPointer: packet.urgentPointer,
    probe: packet.payloadLength === 1 && packet.seq === side.windowEdge,
  });
  side.asideBytes += payload.length;
  while (aside.length > maxAside || side.asideBytes > maxAsideBytes) {
    const oldest = aside.shift() as AsideSegment;
    side.asideBytes -= oldest.payload.length;
    dropped(side, oldest);
  }
};

/**
 * The receiver acknowledged up to `ackNumber`: the segments held aside that this passes were taken by the kernel,
 * returned in the order they came to be read; `readable` says whether the reassembler holds nothing out of order
 * (else they are given up). Those still ahead of the ACK stay.
 */
export const takenAside = (side: DirectionState, ackNumber: number, readable: boolean): AsideSegment[] => {
  const aside = side.aside;
  if (aside === undefined || aside.length === 0) return [];
  const taken: AsideSegment[] = [];
  const kept: AsideSegment[] = [];
  for (const segment of aside) {
    if (seqDiff(ackNumber, seqAdd(segment.seq, segment.wireLength)) < 0) kept.push(segment);
    else if (readable) taken.push(segment);
    else dropped(side, segment);
  }
  side.aside = kept;
  side.asideBytes = kept.reduce((sum, segment) => sum + segment.payload.length, 0);
  return taken;
};

/** Segments past the window the kernel never took: given up, and still held aside (a flow's end counts them). */
export const windowDrops = (side: DirectionState): number =>
  side.windowDrops + (side.aside?.filter((segment) => !segment.probe).length ?? 0);
