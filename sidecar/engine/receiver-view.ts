/**
 * What a capture taken at the receiver tells of one direction of a TCP flow (ADR 37): the window scale its sender
 * announced, the window its receiver offered, whether its SYN signed, and the segments held aside until the receiver
 * acknowledges them. Made only for a capture that says who received what (a cooked header), the only kind the
 * held-aside checks judge: a flow read from any other capture carries none, and pays nothing for them.
 */
import type { DirectionState } from './flow-state.ts';
import type { AsideReason, AsideSegment } from './held-aside.ts';

export type ReceiverView = {
  /** The window scale option on this sender's SYN (-1: none, or no SYN seen; window-check.ts). */
  windowScale: number;
  /** The right edge of the window this direction's receiver offered, once known (window-check.ts). */
  windowEdge: number;
  edgeKnown: boolean;
  /** The largest window this direction's receiver offered (Linux's `max_window` of the other side; ack-check.ts). */
  maxWindow: number;
  /** This sender's SYN carried a TCP authentication option (auth-option-check.ts). */
  synAuth: boolean;
  /** Segments the receiver may have dropped, held until it acknowledges them, and their octets (held-aside.ts). */
  aside: AsideSegment[] | undefined;
  asideBytes: number;
  /** Copies held aside that the receiver refused, their octets taken from another segment, by reason. */
  asideDrops: Record<AsideReason, number> | undefined;
};

/** The direction's view, made on first use. */
export const receiverView = (side: DirectionState): ReceiverView => {
  if (side.view === undefined)
    side.view = {
      windowScale: -1,
      windowEdge: 0,
      edgeKnown: false,
      maxWindow: 0,
      synAuth: false,
      aside: undefined,
      asideBytes: 0,
      asideDrops: undefined,
    };
  return side.view;
};
