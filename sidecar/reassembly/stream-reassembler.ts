/** One direction of a TCP connection put back in order: retransmissions, overlaps, holes, wraparound, FIN/RST. */

import { OfoQueue } from './ofo-queue.ts';
import type { OfoNode } from './ofo-tree.ts';
import { emptyReassemblyStats, type ReassemblyStats } from './reassembly-stats.ts';
import { seqAdd, seqDiff } from './seq.ts';

export type StreamSink = {
  /** In-order bytes (a view valid only during the call). */
  data(chunk: Uint8Array, ts: number): void;
  /**
   * Bytes will never come: the consumer must resynchronise. `lost`: how many octets of the stream the receiver read
   * there (the sequence numbers skipped, less an urgent octet among them).
   */
  gap(lost: number): void;
};

export type ReassemblyLimits = {
  /**
   * Out-of-order segments held per direction (after joining contiguous ones) while the receiver waits for the hole
   * before them. Past it the held segment furthest ahead is dropped, as Linux prunes its out-of-order queue from the
   * end (tcp_prune_ofo_queue), and the hole is kept.
   */
  maxSegments: number;
  /**
   * Held segments past a hole the receiver has acknowledged (or when no acknowledgement was seen at all): the capture
   * lost those bytes, so the hole is given up past this many instead of waiting (default 64).
   */
  maxSegmentsPastLoss?: number;
  maxBytes: number;
  /** Contiguous held segments are joined into runs of up to this many bytes when the segment bound is reached. */
  maxRunBytes: number;
};

/**
 * 1024 separate segments is more than Linux holds at its default receive buffer (tcp_rmem 131072 bytes, each held
 * segment charged at its buffer's true size, hundreds of bytes at least), so an attacker cannot make the pod wait
 * for a hole the tap gave up.
 */
export const defaultReassemblyLimits: ReassemblyLimits = {
  maxSegments: 1024,
  maxSegmentsPastLoss: 64,
  maxBytes: 256 * 1024,
  maxRunBytes: 4096,
};

const syn = 2;
const fin = 1;
const rst = 4;
const urg = 32;

export type StreamReassembler = {
  /**
   * One segment of this direction: sequence number, TCP flags, captured payload and its length on the wire, and with
   * URG its urgent pointer.
   */
  segment(
    seq: number,
    flags: number,
    payload: Uint8Array,
    wireLength: number,
    ts: number,
    urgentPointer?: number,
  ): void;
  /** The connection is over: deliver what is held, skipping the holes. */
  flush(): void;
  readonly stats: ReassemblyStats;
  /** No SYN was seen: the capture started inside the stream. */
  readonly midStream: boolean;
  /** A FIN was reached in order, or a RST seen. */
  readonly closed: boolean;
  /** Bytes held out of order right now. */
  readonly heldBytes: number;
  /** The sequence number of the next in-order byte (what the receiver has acknowledged, at best); -1 before any. */
  readonly expectedSeq: number;
  /** The receiver acknowledged every byte before `ack` (the other direction's ACK number). */
  acknowledged(ack: number): void;
};

/**
 * One object per direction, its methods on the prototype: a flow table holds two per TCP flow, and a dozen
 * closures each (with their context) cost more memory and young-generation copying than the bytes they track.
 */
class Reassembler implements StreamReassembler {
  readonly stats: ReassemblyStats = emptyReassemblyStats();
  private readonly held = new OfoQueue();
  private started = false;
  private midStream_ = false;
  private closed_ = false;
  private next = 0;
  private finAt = -1;
  /** Sequence number of the urgent octet not delivered yet, or -1 (see `markUrgent`). */
  private urgentAt = -1;
  /** The receiver's highest cumulative ACK, once one is seen (`acknowledged`). */
  private peerAck = 0;
  private peerAckKnown = false;

  constructor(
    private readonly sink: StreamSink,
    private readonly limits: ReassemblyLimits,
  ) {}

  get midStream(): boolean {
    return this.midStream_;
  }

  get closed(): boolean {
    return this.closed_;
  }

  get heldBytes(): number {
    return this.held.bytes;
  }

  get expectedSeq(): number {
    return this.started ? this.next : -1;
  }

  segment(
    seq: number,
    flags: number,
    payload: Uint8Array,
    wireLength: number,
    ts: number,
    urgentPointer = 0,
  ): void {
    if (this.closed_) return;
    if (!this.started) this.start(seq, flags);
    if (flags & rst) {
      this.closed_ = true;
      return;
    }
    // Data on a SYN (TCP Fast Open) starts one after the SYN's own sequence number.
    const dataSeq = flags & syn ? seqAdd(seq, 1) : seq;
    if (flags & urg && urgentPointer > 0) this.markUrgent(seqAdd(dataSeq, urgentPointer - 1));
    if (wireLength > 0) this.data(dataSeq, payload, wireLength, ts);
    if (flags & fin) {
      const at = seqAdd(dataSeq, wireLength);
      // A FIN before bytes already delivered is stale (a duplicate, or forged to end our reading): receivers ignore it.
      if (seqDiff(at, this.next) >= 0) {
        this.finAt = at;
        this.checkFin();
      } else this.stats.staleFins += 1;
    }
  }

  acknowledged(ack: number): void {
    if (!this.peerAckKnown || seqDiff(ack, this.peerAck) > 0) this.peerAck = ack;
    this.peerAckKnown = true;
  }

  flush(): void {
    const held = this.held;
    while (held.size > 0) {
      const first = held.first() as OfoNode;
      const lost = seqDiff(first.seq, this.next);
      if (lost > 0) this.skip(lost);
      this.drain();
    }
  }

  /**
   * Linux (BSD urgent pointer semantics, `SO_OOBINLINE` off by default) takes the octet before the urgent pointer out
   * of the stream the application reads: the tap does too, or a client could insert an octet the server never sees
   * (an evasion). Like Linux it remembers one urgent octet, a later one replacing it, none already delivered.
   */
  private markUrgent(at: number): void {
    if (seqDiff(at, this.next) < 0) return;
    if (this.urgentAt < 0 || seqDiff(at, this.urgentAt) > 0) this.urgentAt = at;
  }

  private deliver(payload: Uint8Array, wireLength: number, ts: number): void {
    if (payload.length > 0) {
      const urgent = this.urgentAt < 0 ? -1 : seqDiff(this.urgentAt, this.next);
      if (urgent >= 0 && urgent < payload.length) {
        this.urgentAt = -1;
        this.stats.urgentOctets += 1;
        if (urgent > 0) this.sink.data(payload.subarray(0, urgent), ts);
        if (urgent + 1 < payload.length) this.sink.data(payload.subarray(urgent + 1), ts);
      } else this.sink.data(payload, ts);
      this.next = seqAdd(this.next, payload.length);
    }
    // Bytes on the wire the snap length cut off are a hole like any other.
    if (payload.length < wireLength) this.skip(wireLength - payload.length);
  }

  /**
   * `lost` sequence numbers are given up. The receiver read all of them but the urgent octet, when it lies among them
   * (`deliver` takes it out too): the sink is told what the receiver read, so a parser skipping them stays in frame.
   */
  private skip(lost: number): void {
    this.stats.gaps += 1;
    this.stats.gapBytes += lost;
    const urgent = this.urgentAt < 0 ? -1 : seqDiff(this.urgentAt, this.next);
    const inHole = urgent >= 0 && urgent < lost;
    if (inHole) this.urgentAt = -1;
    this.next = seqAdd(this.next, lost);
    this.sink.gap(inHole ? lost - 1 : lost);
  }

  private checkFin(): void {
    if (this.finAt >= 0 && seqDiff(this.finAt, this.next) <= 0) {
      this.closed_ = true;
      this.finAt = -1;
    }
  }

  /** Delivers held segments that now start at or before the delivered point. */
  private drain(): void {
    const held = this.held;
    while (held.size > 0) {
      const first = held.first() as OfoNode;
      const offset = seqDiff(first.seq, this.next);
      if (offset > 0) break;
      held.remove(first);
      if (offset + first.data.length > 0)
        this.deliver(first.data.subarray(-offset), first.data.length + offset, first.ts);
    }
    this.checkFin();
  }

  /**
   * The hole before the held segments is lost to the capture, not to the receiver: it acknowledged bytes past it
   * (or no acknowledgement was ever seen, so nothing says it is waiting).
   */
  private holeLost(): boolean {
    return !this.peerAckKnown || seqDiff(this.peerAck, this.next) > 0;
  }

  /** How many separate segments may be held now: fewer when the hole before them is lost to the capture. */
  private segmentBound(): number {
    const { maxSegments, maxSegmentsPastLoss = 64 } = this.limits;
    return this.holeLost() ? Math.min(maxSegments, maxSegmentsPastLoss) : maxSegments;
  }

  /**
   * Joins contiguous held segments when there are too many; then, while still too much is held, gives up the hole
   * the capture lost, or, when the receiver is waiting for the hole too, drops segments from the far end down to an
   * eighth below the bounds (Linux prunes at least an eighth of its buffer at a time), so that a sender who keeps
   * the queue full does not make every new segment pay for a join and a prune.
   */
  private enforceLimits(): void {
    const held = this.held;
    const { maxBytes, maxRunBytes } = this.limits;
    if (held.size > this.segmentBound()) held.collapse(maxRunBytes);
    while (held.size > this.segmentBound() || held.bytes > maxBytes) {
      if (!this.holeLost()) {
        const bound = this.limits.maxSegments;
        this.prune(bound - (bound >> 3), maxBytes - (maxBytes >> 3));
        return;
      }
      this.skip(seqDiff((held.first() as OfoNode).seq, this.next));
      this.drain();
    }
  }

  /** Drops held segments from the far end until at most `segments` and `bytes` are held. */
  private prune(segments: number, bytes: number): void {
    const held = this.held;
    while (held.size > segments || held.bytes > bytes) {
      const last = held.last() as OfoNode;
      held.remove(last);
      this.stats.pruned += 1;
    }
  }

  private data(seq: number, payload: Uint8Array, wireLength: number, ts: number): void {
    const offset = seqDiff(seq, this.next);
    if (offset + wireLength <= 0) {
      this.stats.retransmissions += 1;
      return;
    }
    if (offset > 0) {
      this.stats.outOfOrder += 1;
      this.held.hold(seq, payload.subarray(0, Math.min(payload.length, wireLength)), ts, this.stats);
      this.enforceLimits();
      return;
    }
    if (offset < 0) this.stats.overlaps += 1;
    // In order (the usual case): the payload itself, not a new view of all of it.
    const captured = offset === 0 ? payload : payload.subarray(Math.min(-offset, payload.length));
    this.deliver(captured, wireLength + offset, ts);
    if (this.held.size > 0) this.drain();
    else this.checkFin();
  }

  private start(seq: number, flags: number): void {
    this.started = true;
    this.midStream_ = (flags & syn) === 0;
    this.next = (flags & syn) !== 0 ? seqAdd(seq, 1) : seq;
  }
}

export const createStreamReassembler = (
  sink: StreamSink,
  limits: ReassemblyLimits = defaultReassemblyLimits,
): StreamReassembler => new Reassembler(sink, limits);
