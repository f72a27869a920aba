/**
 * Data past the receive window (Ptacek and Newsham 1998; ADR 37). The receiving Linux kernel drops a segment that
 * starts at or past the right edge of the window it last offered (tcp_sequence, tcp_data_queue: drop reasons
 * TCP_INVALID_SEQUENCE, TCP_OVERWINDOW, TCP_ZEROWINDOW), and since 6.x one that ends past it while the application
 * has unread data (TCP_INVALID_END_SEQUENCE). A client that sends a harmless copy a window ahead, then the bytes up
 * to it, then the real ones, has the kernel read the real ones while a tap that held the copy read the copy.
 *
 * The tap knows the window from the receiver's own segments: the ACK number plus the window field, shifted by the
 * scale the receiver announced on its SYN when both SYNs announced one (RFC 7323 section 2). Without both SYNs the
 * scale, and so the window, is unknown, and nothing is checked. A segment that ends past the edge is held aside
 * (held-aside.ts): read once the receiver acknowledges it (the tap missed a window update), never otherwise.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import { linkDirection } from '../decode/local-addresses.ts';
import { seqAdd, seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';
import { receiverView } from './receiver-view.ts';

const syn = 2;
const ack = 16;
/** RFC 7323 section 2.3: a shift past 14 is taken as 14. */
const maxShift = 14;

/** The window scale option on this sender's SYN (-1: none), for the windows it offers later. */
export const noteWindowScale = (sender: DirectionState, packet: DecodedPacket): void => {
  if (packet.tcpFlags & syn && packet.direction !== linkDirection.unknown)
    receiverView(sender).windowScale = packet.windowScale;
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
  const shift = sender.view?.windowScale ?? -1;
  const scaled = shift >= 0 && (other.view?.windowScale ?? -1) >= 0;
  // At most 65535 << 14: within 31 bits.
  return seqAdd(packet.ack, packet.window << (scaled ? Math.min(shift, maxShift) : 0));
};

/**
 * A packet with ACK from the receiver of `other`: the edge of the window it offers moves right (Linux never shrinks
 * it), and the largest window it offered is kept (the other side's `max_window`, which ack-check.ts reads).
 */
export const noteOfferedWindow = (
  sender: DirectionState,
  other: DirectionState,
  packet: DecodedPacket,
): void => {
  // Only a capture that says who received what is checked (tcp-segment.ts): in any other, nothing to note.
  if ((packet.tcpFlags & ack) === 0 || packet.direction === linkDirection.unknown) return;
  const edge = offeredEdge(sender, other, packet);
  if (edge === undefined) return;
  const view = receiverView(other);
  if (!view.edgeKnown || seqDiff(edge, view.windowEdge) > 0) view.windowEdge = edge;
  view.edgeKnown = true;
  const window = seqDiff(edge, packet.ack);
  if (window > view.maxWindow) view.maxWindow = window;
};

/** The segment's data ends past the window its receiver offered (a SYN's data is not checked: no window yet). */
export const pastWindow = (side: DirectionState, packet: DecodedPacket): boolean => {
  const view = side.view;
  if (view === undefined || !view.edgeKnown) return false;
  return (
    packet.payloadLength > 0 &&
    (packet.tcpFlags & syn) === 0 &&
    seqDiff(seqAdd(packet.seq, packet.payloadLength), view.windowEdge) > 0
  );
};
