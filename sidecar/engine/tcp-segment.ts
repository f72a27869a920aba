/** Feeds one TCP segment to its direction's reassembler (only while someone needs the bytes) and tracks the close. */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import type { Direction } from '../events.ts';
import type { Flow } from '../flow/flow.ts';
import { createStreamReassembler, type StreamReassembler } from '../reassembly/stream-reassembler.ts';
import type { EngineContext } from './engine-context.ts';
import { onFlowData, onFlowGap } from './flow-data.ts';
import type { FlowState } from './flow-state.ts';

const fin = 1;
const rst = 4;

const reassemblerFor = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
): StreamReassembler => {
  const d = direction === 'to-server' ? flow.state.toServer : flow.state.toClient;
  d.reassembler ??= createStreamReassembler(
    {
      data: (chunk, ts) => onFlowData(ctx, flow, direction, chunk, ts),
      gap: () => onFlowGap(ctx, flow, direction),
    },
    ctx.limits.reassembly,
  );
  return d.reassembler;
};

/** Delivers what a direction holds, skipping holes, and returns the held bytes to the global budget. */
export const flushReassembler = (ctx: EngineContext, reassembler: StreamReassembler | undefined): void => {
  if (reassembler === undefined) return;
  ctx.counters.heldBytes -= reassembler.heldBytes;
  reassembler.flush();
};

export const tcpSegment = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  packet: DecodedPacket,
): void => {
  const state = flow.state;
  const side = direction === 'to-server' ? state.toServer : state.toClient;
  const wanted =
    state.phase === 'detecting' || (state.phase === 'parsing' && state.parser !== undefined && !side.done);
  if (wanted) {
    const reassembler = reassemblerFor(ctx, flow, direction);
    const before = reassembler.heldBytes;
    reassembler.segment(packet.seq, packet.tcpFlags, packet.payload, packet.payloadLength, packet.ts);
    ctx.counters.heldBytes += reassembler.heldBytes - before;
    if (ctx.counters.heldBytes > ctx.limits.maxHeldBytes) flushReassembler(ctx, reassembler);
  }
  if (packet.tcpFlags & rst) flow.closed = true;
  else if (packet.tcpFlags & fin) {
    state.fins |= direction === 'to-server' ? 1 : 2;
    if (state.fins === 3) flow.closed = true;
  }
};
