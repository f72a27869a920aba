/** Feeds one TCP segment to its direction's reassembler (only while someone needs the bytes) and tracks the close. */
import { type DecodedPacket, payloadOf } from '../decode/decoded-packet.ts';
import { linkDirection } from '../decode/local-addresses.ts';
import type { Direction } from '../events.ts';
import type { Flow } from '../flow/flow.ts';
import { seqDiff } from '../reassembly/seq.ts';
import {
  createStreamReassembler,
  type StreamReassembler,
  type StreamSink,
} from '../reassembly/stream-reassembler.ts';
import { ackRefused } from './ack-check.ts';
import { authUnexpected, noteAuthOption } from './auth-option-check.ts';
import { checksumRejects } from './checksum-check.ts';
import type { EngineContext } from './engine-context.ts';
import { flagsRejected } from './flag-check.ts';
import { concludeFlow, onFlowData, onFlowGap } from './flow-data.ts';
import type { DirectionState, FlowState } from './flow-state.ts';
import { type AsideReason, countRefusedCopy, holdAside, takenAside } from './held-aside.ts';
import { passesWhole } from './passing.ts';
import { notePaws, pawsRejects } from './paws.ts';
import { resetCounts, staleFin, trackSequence } from './reset-check.ts';
import { noteOfferedWindow, noteWindowScale, pastWindow } from './window-check.ts';

const fin = 1;
const syn = 2;
const noBytes = new Uint8Array(0);
const rst = 4;
const ack = 16;

/** Where a direction's in-order bytes go: one small object per direction rather than two closures. */
class DirectionSink implements StreamSink {
  constructor(
    private readonly ctx: EngineContext,
    private readonly flow: Flow<FlowState>,
    private readonly direction: Direction,
  ) {}

  data(chunk: Uint8Array, ts: number): void {
    onFlowData(this.ctx, this.flow, this.direction, chunk, ts);
  }

  gap(lost: number): void {
    onFlowGap(this.ctx, this.flow, this.direction, lost);
  }
}

/** `side`: the flow's state of `direction`. */
const reassemblerFor = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  side: DirectionState,
): StreamReassembler => {
  if (side.reassembler === undefined) {
    side.reassembler = createStreamReassembler(
      new DirectionSink(ctx, flow, direction),
      ctx.limits.reassembly,
    );
    if (side.peerAck >= 0) side.reassembler.acknowledged(side.peerAck);
  }
  return side.reassembler;
};

/** Delivers what a direction holds, skipping holes, and returns the held bytes to the global budget. */
export const flushReassembler = (ctx: EngineContext, reassembler: StreamReassembler | undefined): void => {
  if (reassembler === undefined) return;
  ctx.counters.heldBytes -= reassembler.heldBytes;
  reassembler.flush();
};

/** No more bytes can reach the parser in this direction: its budget is spent, or its FIN was reached in order. */
const directionOver = (d: DirectionState): boolean =>
  d.done || (d.reassembler?.closed === true && d.reassembler.heldBytes === 0);

const finished = (state: FlowState): boolean =>
  (state.parser !== undefined || state.phase === 'detecting') &&
  directionOver(state.toServer) &&
  directionOver(state.toClient);

/** Someone needs this direction's bytes: detection, or a parser with budget left. */
const wanted = (state: FlowState, side: DirectionState): boolean =>
  state.phase === 'detecting' || (state.phase === 'parsing' && state.parser !== undefined && !side.done);

/**
 * The segment could change what the tap reads: it opens, closes or resets the stream, or carries bytes someone
 * needs. Only those pay for a checksum (bulk bytes past every budget, or let pass by the parser, are not read).
 */
const matters = (state: FlowState, side: DirectionState, packet: DecodedPacket): boolean =>
  (packet.tcpFlags & (syn | fin | rst)) !== 0 ||
  (packet.payloadLength > 0 && wanted(state, side) && !passesWhole(side, packet));

/** What a segment changed in the held bytes goes to the global budget; past it the direction's held bytes flush. */
const rebudget = (ctx: EngineContext, reassembler: StreamReassembler, before: number): void => {
  ctx.counters.heldBytes += reassembler.heldBytes - before;
  if (ctx.counters.heldBytes > ctx.limits.maxHeldBytes) flushReassembler(ctx, reassembler);
};

/** Hands the segment to its direction's reassembler while someone needs the bytes, keeping the held-bytes budget. */
const reassemble = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  side: DirectionState,
  packet: DecodedPacket,
): void => {
  if (!wanted(flow.state, side)) return;
  const reassembler = reassemblerFor(ctx, flow, direction, side);
  const before = reassembler.heldBytes;
  reassembler.segment(
    packet.seq,
    packet.tcpFlags,
    payloadOf(packet),
    packet.payloadLength,
    packet.ts,
    packet.urgentPointer,
  );
  rebudget(ctx, reassembler, before);
};

/** A FIN (not stale) or a RST the receiver took: the flow closes once both sides have sent a FIN, or at once. */
const closes = (flow: Flow<FlowState>, direction: Direction, flags: number, countsAsFin: boolean): void => {
  const state = flow.state;
  if (flags & rst) flow.closed = true;
  else if (countsAsFin) {
    state.fins |= direction === 'to-server' ? 1 : 2;
    if (state.fins === 3) flow.closed = true;
  }
};

/**
 * The receiver acknowledged up to `ackNumber`: segments of `direction` held aside that this passes were taken by its
 * kernel, and are read now (held-aside.ts).
 */
const releaseAside = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  side: DirectionState,
  ackNumber: number,
): void => {
  const aside = side.view?.aside;
  if (aside === undefined || aside.length === 0) return;
  const readable = (side.reassembler?.heldBytes ?? 0) === 0;
  for (const segment of takenAside(side, ackNumber, readable)) {
    // Its sequence was followed when it was held aside (tcpSegment): only its octets and its FIN are new here.
    const countsAsFin = (segment.flags & fin) !== 0 && !staleFin(side, segment.seq, segment.wireLength);
    countRefusedCopy(side, segment, side.reassembler?.expectedSeq ?? -1);
    if (wanted(flow.state, side)) {
      const reassembler = reassemblerFor(ctx, flow, direction, side);
      const before = reassembler.heldBytes;
      const { seq, flags, payload, wireLength, ts, urgentPointer } = segment;
      reassembler.segment(seq, flags, payload, wireLength, ts, urgentPointer);
      rebudget(ctx, reassembler, before);
    }
    closes(flow, direction, segment.flags, countsAsFin);
  }
};

/**
 * What a sender acknowledges, it has received of the other direction: that direction's reassembler judges holes by
 * it, and a reset from a sender the tap has not heard yet is checked against it.
 */
const acknowledge = (other: DirectionState, ackNumber: number): void => {
  // Most segments repeat the last acknowledgement, or move it forward.
  if (ackNumber === other.peerAck || (other.peerAck >= 0 && seqDiff(ackNumber, other.peerAck) < 0)) return;
  other.peerAck = ackNumber;
  other.reassembler?.acknowledged(ackNumber);
};

/**
 * Why the receiving kernel may drop this segment on grounds the capture can leave in doubt: an authentication option
 * it does not expect, an ACK it refuses, data past its window. Undefined when none. Judged only where the capture is
 * the receiver's own (a cooked header says the host received it): elsewhere the receiver's ACKs may be missing or
 * late (a filter that drops small packets, another vantage point, a generated capture).
 */
const doubtOf = (
  side: DirectionState,
  other: DirectionState,
  packet: DecodedPacket,
): AsideReason | undefined => {
  if (packet.direction !== linkDirection.received) return undefined;
  if (authUnexpected(side, other, packet)) return 'auth';
  if (ackRefused(side, other, packet)) return 'ack';
  return pastWindow(side, packet) ? 'window' : undefined;
};

/** The receiving kernel would drop this segment (checksum, flags, reset number, PAWS): counted on the side, and true. */
const receiverDrops = (state: FlowState, side: DirectionState, packet: DecodedPacket): boolean => {
  if (matters(state, side, packet) && checksumRejects(side, packet)) side.badChecksums += 1;
  else if (flagsRejected(side, packet)) side.badFlags += 1;
  else if (packet.tcpFlags & rst && !resetCounts(side, packet.seq)) side.ignoredResets += 1;
  else if (pawsRejects(side, packet)) side.pawsDrops += 1;
  else return false;
  return true;
};

export const tcpSegment = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  packet: DecodedPacket,
): void => {
  const state = flow.state;
  const toServer = direction === 'to-server';
  const side = toServer ? state.toServer : state.toClient;
  const other = toServer ? state.toClient : state.toServer;
  if (receiverDrops(state, side, packet)) return;
  noteWindowScale(side, packet);
  noteAuthOption(side, packet);
  // The receiver's kernel may drop it: its data waits for the receiver's ACK, the rest of it is not acted on.
  const doubt = doubtOf(side, other, packet);
  if (doubt !== undefined) {
    if (packet.payloadLength > 0) {
      holdAside(side, packet, wanted(state, side) ? payloadOf(packet) : noBytes, doubt);
      trackSequence(side, packet.seq, packet.tcpFlags, packet.payloadLength);
    }
    return;
  }
  notePaws(side, packet);
  if (packet.tcpFlags & ack) {
    noteOfferedWindow(side, other, packet);
    releaseAside(ctx, flow, toServer ? 'to-client' : 'to-server', other, packet.ack);
    acknowledge(other, packet.ack);
  }
  const countsAsFin = (packet.tcpFlags & fin) !== 0 && !staleFin(side, packet.seq, packet.payloadLength);
  trackSequence(side, packet.seq, packet.tcpFlags, packet.payloadLength);
  reassemble(ctx, flow, direction, side, packet);
  closes(flow, direction, packet.tcpFlags, countsAsFin);
  // A closed connection whose both directions are over: what the flow's end would decide is decided now, and the
  // parser is let go. The flow lingers in the table for late packets (closedLingerMs) holding only its counters and
  // summary, instead of a parser's buffers and tables for seconds.
  if (flow.closed && state.phase !== 'unknown' && state.phase !== 'none' && finished(state))
    concludeFlow(ctx, flow);
};
