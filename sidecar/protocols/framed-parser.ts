/** A streaming parser for message-framed protocols: bounded per-direction buffers, truncation, stop on malformed input. */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { type ClassScan, createClassScan, straddleOctets } from './java-class-scan.ts';
import type { ProtocolParser } from './protocol.ts';

/** The most bytes buffered per direction; a longer message is handed over truncated and its rest skipped. */
export const maxBuffered = 64 * 1024;

export type FrameContext = {
  direction: Direction;
  ts: number;
  /** True when `message` holds only the first `maxBuffered` bytes of a longer message. */
  truncated: boolean;
  /**
   * A truncated message of a spec that `scansRest`: the Java classes its octets past the first `maxBuffered` name
   * (java-class-scan.ts), told when the message has gone by.
   */
  restClasses?: readonly string[];
  /** Stops parsing a direction for good (e.g. after a switch to TLS). */
  stop(direction: Direction): void;
  /** The octets of a direction received and not yet framed (behind the current message): for a switch to TLS. */
  rest(direction: Direction): Uint8Array;
};

export type FramedSpec = {
  /** Length of the message at the start of `buf`: > 0 the length, 0 when more bytes are needed, -1 malformed. */
  frame(buf: Uint8Array, direction: Direction): number;
  /** Turns one message into events (may update the protocol's connection state). */
  message(message: Uint8Array, context: FrameContext): readonly ProtocolEvent[];
  /**
   * Messages carry Java serialization streams: a message longer than `maxBuffered` is held, its rest scanned for the
   * classes it names as it goes by, and told when it ends (`restClasses`), or when the flow or the direction ends first.
   */
  scansRest?: boolean;
};

/** A truncated message held while its rest goes by (`scansRest`): its first octets, and what the rest names. */
type Held = { message: Uint8Array; scan: ClassScan; ts: number };

/** Puts a held message's rest classes on its event, when the event carries a stream and the rest named any. */
export const withRestClasses = (event: OperationEvent, context: FrameContext): void => {
  const rest = context.restClasses;
  if (rest !== undefined && rest.length > 0 && event.serialized !== undefined) event.restClasses = rest;
};

type Side = {
  buf: Uint8Array;
  /** Chunks held back, uncopied into `buf`, until `wanted` bytes are there: long messages cost O(n), not O(n²). */
  pending: Uint8Array[];
  pendingSize: number;
  /** Bytes the next message needs before framing is worth retrying (0: retry on every chunk). */
  wanted: number;
  skip: number;
  stopped: boolean;
  held: Held | undefined;
};

const empty = new Uint8Array(0);

/** A plain Uint8Array view: Node Buffers are much slower to subarray, and their slice() does not copy. */
const view = (p: Uint8Array): Uint8Array =>
  p.length === 0 ? empty : new Uint8Array(p.buffer, p.byteOffset, p.length);

const join = (parts: readonly Uint8Array[]): Uint8Array => {
  const nonEmpty = parts.filter((p) => p.length > 0);
  const [only] = nonEmpty;
  if (nonEmpty.length <= 1) return only ? view(only) : empty;
  const out = new Uint8Array(nonEmpty.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of nonEmpty) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const newSide = (): Side => ({
  buf: empty,
  pending: [],
  pendingSize: 0,
  wanted: 0,
  skip: 0,
  stopped: false,
  held: undefined,
});

/** Adds a chunk; true when enough bytes are buffered to try framing again. */
const collect = (side: Side, data: Uint8Array): boolean => {
  if (side.buf.length + side.pendingSize + data.length < side.wanted) {
    side.pending.push(new Uint8Array(data)); // a copy: the caller may reuse the chunk's memory
    side.pendingSize += data.length;
    return false;
  }
  // Nothing held back (the usual case): a view of the chunk, without join()'s arrays.
  side.buf =
    side.buf.length === 0 && side.pending.length === 0 ? view(data) : join([side.buf, ...side.pending, data]);
  if (side.pending.length > 0) side.pending = [];
  side.pendingSize = 0;
  side.wanted = 0;
  return true;
};

const skipBytes = (side: Side, data: Uint8Array): Uint8Array => {
  if (side.skip === 0) return data;
  const n = Math.min(side.skip, data.length);
  side.skip -= n;
  side.held?.scan.push(n === data.length ? data : data.subarray(0, n));
  return n === data.length ? empty : data.subarray(n);
};

/** Takes the first `length` bytes off `side.buf`; a whole-buffer message (the usual case) costs no new view. */
const take = (side: Side, length: number): Uint8Array => {
  const all = side.buf;
  if (length === all.length) {
    side.buf = empty;
    return all;
  }
  side.buf = all.subarray(length);
  return all.subarray(0, length);
};

const stoppedSide = (side: Side): void => {
  Object.assign(side, newSide(), { stopped: true });
};

/**
 * The parser of one flow: its state and the spec, with methods on the prototype (a flow costs two sides and one
 * object, not a closure per helper).
 */
class FramedParser implements ProtocolParser {
  private readonly toServer = newSide();
  private readonly toClient = newSide();
  private readonly stop = (direction: Direction): void => stoppedSide(this.side(direction));
  private readonly rest = (direction: Direction): Uint8Array => {
    const side = this.side(direction);
    return side.skip > 0 ? empty : join([side.buf, ...side.pending]);
  };

  constructor(private readonly spec: FramedSpec) {}

  private side(direction: Direction): Side {
    return direction === 'to-server' ? this.toServer : this.toClient;
  }

  private emit(out: ProtocolEvent[], message: Uint8Array, context: FrameContext): void {
    for (const event of this.spec.message(message, context)) {
      out.push(event);
    }
  }

  /** Takes one message off the buffer when it can; false when it must wait for more bytes or stopped. */
  private step(side: Side, context: FrameContext, out: ProtocolEvent[]): boolean {
    const length = this.spec.frame(side.buf, context.direction);
    if (length < 0 || (length === 0 && side.buf.length >= maxBuffered)) {
      this.stop(context.direction);
      return false;
    }
    if (length > 0 && length <= side.buf.length) {
      this.emit(out, take(side, length), context);
      return true;
    }
    if (length === 0 || side.buf.length < maxBuffered) {
      side.wanted = Math.min(length, maxBuffered);
      return false;
    }
    side.skip = length - side.buf.length;
    const message = side.buf.subarray(0, maxBuffered);
    if (this.spec.scansRest === true) {
      const scan = createClassScan();
      scan.push(side.buf.subarray(maxBuffered - straddleOctets));
      side.held = { message: message.slice(), scan, ts: context.ts };
      side.buf = empty;
      return true;
    }
    side.buf = empty;
    this.emit(out, message, { ...context, truncated: true });
    return true;
  }

  /** Tells a held message (its rest gone by, or cut short by the flow's end or a loss): once. */
  private release(side: Side, context: FrameContext, out: ProtocolEvent[]): void {
    const held = side.held;
    if (held === undefined) return;
    side.held = undefined;
    this.emit(out, held.message, { ...context, truncated: true, restClasses: held.scan.names() });
  }

  private context(direction: Direction, ts: number): FrameContext {
    return { direction, ts, truncated: false, stop: this.stop, rest: this.rest };
  }

  private drain(side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void {
    const context = this.context(direction, ts);
    while (!side.stopped && side.buf.length > 0 && this.step(side, context, out)) {
      // step() consumed one message
    }
  }

  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
    const side = this.side(direction);
    if (side.stopped) return [];
    const out: ProtocolEvent[] = [];
    try {
      const data = skipBytes(side, chunk);
      if (side.held !== undefined && side.skip === 0) this.release(side, this.context(direction, ts), out);
      if (collect(side, data)) this.drain(side, direction, ts, out);
    } catch {
      // A decoder bug on hostile bytes must not take the tap down: give up on this direction.
      this.stop(direction);
    }
    // Keep a copy: the caller may reuse the chunk's memory after we return.
    if (side.buf.length > 0 && side.buf.buffer === chunk.buffer) side.buf = new Uint8Array(side.buf);
    return out;
  }

  /**
   * Lost octets (ADR 34): inside a message whose length is known, they are skipped with the rest of that message and
   * the direction stays in frame; the cut message is not told (a statement cut in a quote would read as an
   * injection). A loss of unknown length, one at a message boundary, or one that runs past the message stops it.
   */
  gap(direction: Direction, lost?: number): ProtocolEvent[] {
    const side = this.side(direction);
    if (side.stopped) return [];
    let kept = false;
    try {
      kept = lost !== undefined && this.skipLoss(side, direction, lost);
    } catch {
      kept = false;
    }
    if (kept) return [];
    const out: ProtocolEvent[] = [];
    this.releaseHeld(side, direction, out);
    this.stop(direction);
    return out;
  }

  /** The flow is over: a message held while its rest went by is told with what was seen of it. */
  end(): ProtocolEvent[] {
    const out: ProtocolEvent[] = [];
    this.releaseHeld(this.toServer, 'to-server', out);
    this.releaseHeld(this.toClient, 'to-client', out);
    return out;
  }

  private releaseHeld(side: Side, direction: Direction, out: ProtocolEvent[]): void {
    const ts = side.held?.ts;
    if (ts === undefined) return;
    try {
      this.release(side, this.context(direction, ts), out);
    } catch {
      // as in parse(): a decoder bug on hostile bytes must not take the tap down
    }
  }

  /** True when the loss fell inside the current message: it and the rest of that message are skipped. */
  private skipLoss(side: Side, direction: Direction, lost: number): boolean {
    if (!(lost > 0)) return lost === 0;
    if (side.skip > 0) {
      // The rest of a message already told truncated.
      if (lost > side.skip) return false;
      side.skip -= lost;
      return true;
    }
    const buf = side.pending.length > 0 ? join([side.buf, ...side.pending]) : side.buf;
    if (buf.length === 0) return false;
    const length = this.spec.frame(buf, direction);
    const left = length - buf.length;
    if (length <= 0 || left <= 0 || lost > left) return false;
    Object.assign(side, newSide(), { skip: left - lost });
    return true;
  }
}

/** Builds a `ProtocolParser` from a framing function and a message handler; it never throws. */
export const createFramedParser = (spec: FramedSpec): ProtocolParser => new FramedParser(spec);
