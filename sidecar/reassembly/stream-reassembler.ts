/** One direction of a TCP connection put back in order: retransmissions, overlaps, holes, wraparound, FIN/RST. */
import { type HeldSegment, holdSegment } from './held-segments.ts';
import { emptyReassemblyStats, type ReassemblyStats } from './reassembly-stats.ts';
import { seqAdd, seqDiff } from './seq.ts';

export type StreamSink = {
  /** In-order bytes (a view valid only during the call). */
  data(chunk: Uint8Array, ts: number): void;
  /** `lost` bytes will never come: the consumer must resynchronise. */
  gap(lost: number): void;
};

export type ReassemblyLimits = {
  /** Out-of-order segments held per direction before the hole is given up as lost. */
  maxSegments: number;
  maxBytes: number;
};

export const defaultReassemblyLimits: ReassemblyLimits = { maxSegments: 64, maxBytes: 256 * 1024 };

const syn = 2;
const fin = 1;
const rst = 4;

export type StreamReassembler = {
  /** One segment of this direction: sequence number, TCP flags, captured payload and its length on the wire. */
  segment(seq: number, flags: number, payload: Uint8Array, wireLength: number, ts: number): void;
  /** The connection is over: deliver what is held, skipping the holes. */
  flush(): void;
  readonly stats: ReassemblyStats;
  /** No SYN was seen: the capture started inside the stream. */
  readonly midStream: boolean;
  /** A FIN was reached in order, or a RST seen. */
  readonly closed: boolean;
  /** Bytes held out of order right now. */
  readonly heldBytes: number;
};

export const createStreamReassembler = (
  sink: StreamSink,
  limits: ReassemblyLimits = defaultReassemblyLimits,
): StreamReassembler => {
  const stats = emptyReassemblyStats();
  const held: HeldSegment[] = [];
  let heldBytes = 0;
  let started = false;
  let midStream = false;
  let closed = false;
  let next = 0;
  let finAt = -1;

  const deliver = (payload: Uint8Array, wireLength: number, ts: number): void => {
    if (payload.length > 0) {
      sink.data(payload, ts);
      next = seqAdd(next, payload.length);
    }
    // Bytes on the wire the snap length cut off are a hole like any other.
    if (payload.length < wireLength) skip(wireLength - payload.length);
  };

  const skip = (lost: number): void => {
    stats.gaps += 1;
    stats.gapBytes += lost;
    next = seqAdd(next, lost);
    sink.gap(lost);
  };

  const checkFin = (): void => {
    if (finAt >= 0 && seqDiff(finAt, next) <= 0) {
      closed = true;
      finAt = -1;
    }
  };

  /** Delivers held segments that now start at or before the delivered point. */
  const drain = (): void => {
    while (held.length > 0) {
      const first = held[0] as HeldSegment;
      const offset = seqDiff(first.seq, next);
      if (offset > 0) break;
      held.shift();
      heldBytes -= first.data.length;
      if (offset + first.data.length > 0)
        deliver(first.data.subarray(-offset), first.data.length + offset, first.ts);
    }
    checkFin();
  };

  /** Gives up the hole before the first held segment when too much is held. */
  const enforceLimits = (): void => {
    while (held.length > limits.maxSegments || heldBytes > limits.maxBytes) {
      const first = held[0] as HeldSegment;
      skip(seqDiff(first.seq, next));
      drain();
    }
  };

  const data = (seq: number, payload: Uint8Array, wireLength: number, ts: number): void => {
    const offset = seqDiff(seq, next);
    if (offset + wireLength <= 0) {
      stats.retransmissions += 1;
      return;
    }
    if (offset > 0) {
      stats.outOfOrder += 1;
      heldBytes += holdSegment(
        held,
        next,
        seq,
        payload.subarray(0, Math.min(payload.length, wireLength)),
        ts,
        stats,
      );
      enforceLimits();
      return;
    }
    if (offset < 0) stats.overlaps += 1;
    // In order (the usual case): the payload itself, not a new view of all of it.
    const captured = offset === 0 ? payload : payload.subarray(Math.min(-offset, payload.length));
    deliver(captured, wireLength + offset, ts);
    drain();
  };

  const start = (seq: number, flags: number): void => {
    started = true;
    midStream = (flags & syn) === 0;
    next = (flags & syn) !== 0 ? seqAdd(seq, 1) : seq;
  };

  return {
    segment(seq, flags, payload, wireLength, ts) {
      if (closed) return;
      if (!started) start(seq, flags);
      if (flags & rst) {
        closed = true;
        return;
      }
      // Data on a SYN (TCP Fast Open) starts one after the SYN's own sequence number.
      const dataSeq = flags & syn ? seqAdd(seq, 1) : seq;
      if (wireLength > 0) data(dataSeq, payload, wireLength, ts);
      if (flags & fin) {
        finAt = seqAdd(dataSeq, wireLength);
        checkFin();
      }
    },
    flush() {
      while (held.length > 0) {
        const first = held[0] as HeldSegment;
        const lost = seqDiff(first.seq, next);
        if (lost > 0) skip(lost);
        drain();
      }
    },
    stats,
    get midStream() {
      return midStream;
    },
    get closed() {
      return closed;
    },
    get heldBytes() {
      return heldBytes;
    },
  };
};
