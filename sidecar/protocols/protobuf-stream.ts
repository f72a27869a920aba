/**
 * A protobuf message's text fields read as its octets stream by, without its schema and without holding it whole: for
 * a gRPC message past the 64 KiB kept of a request (grpc-tail.ts). A length-delimited field of up to 16 KiB is held
 * and read as `protobufStrings` reads one (text, else a nested message); a longer one is walked as a nested message
 * and followed as text at once (`ProtobufFrame`), 8 levels deep at most. A field that is malformed or passes the end
 * of what holds it makes that level opaque: its octets are passed by. Groups' markers are passed by.
 */
import { ProtobufFrame } from './protobuf-frame.ts';
import { delimitedStrings, type Leaf } from './protobuf-strings.ts';
import { shortRuns } from './value-window.ts';

/** Delimited fields held whole and read at once; longer ones are streamed. */
export const heldFieldBytes = 16 * 1024;
const maxDepth = 8;

/** Where the text fields go: each with its path, and whether a long value's middle was passed by; and those lost. */
export type LeafSink = { leaf(path: string, value: string, cut: boolean): void; unread(count: number): void };

type Step = 'tag' | 'varint' | 'length' | 'skip' | 'held';

export class ProtobufStream {
  private readonly frames: ProtobufFrame[];
  private pos = 0;
  private step: Step = 'tag';
  private value = 0;
  private scale = 1;
  private octets = 0;
  private field = 0;
  private skipLeft = 0;
  private held = new Uint8Array(0);
  private heldAt = 0;
  /** The position in the message of index 0 of the octets being read. */
  private base = 0;
  /** A long field whose length was just read: it begins at the octet after. */
  private opening: ProtobufFrame | undefined;

  constructor(
    path: string,
    length: number,
    private readonly sink: LeafSink,
  ) {
    this.frames = [new ProtobufFrame(length, path, false)];
  }

  /** The message's next octets, `from` to `to` of `b` (never past the message's length). */
  feed(b: Uint8Array, from: number, to: number): void {
    let at = from;
    while (at < to) {
      const top = this.frames.at(-1) as ProtobufFrame;
      if (this.pos >= top.end) {
        if (this.frames.length === 1) return;
        this.close();
        continue;
      }
      const limit = Math.min(to, at + (top.end - this.pos));
      const stop = top.opaque ? limit : this.read(b, at, limit, top);
      this.follow(b, at, stop);
      this.pos += stop - at;
      at = stop;
      if (this.opening !== undefined) this.frames.push(this.opening);
      this.opening = undefined;
    }
    while (this.frames.length > 1 && this.pos >= (this.frames.at(-1) as ProtobufFrame).end) this.close();
  }

  /** The octets `from` to `to` to every level still followed as text; one that stops being text hands its fields on. */
  private follow(b: Uint8Array, from: number, to: number): void {
    for (let i = 1; i < this.frames.length; i++) {
      const frame = this.frames[i] as ProtobufFrame;
      if (!frame.isText || frame.add(b, from, to)) continue;
      if (frame.abandoned) this.sink.unread(1);
      for (const [p, v] of frame.release()) this.emit(p, v, false, i);
    }
  }

  /** A text field found: held by the outermost level still text (above `below`), else given to the sink. */
  private emit(path: string, value: string, cut: boolean, below = this.frames.length): void {
    for (let i = 1; i < below; i++) {
      const frame = this.frames[i] as ProtobufFrame;
      if (!frame.isText) continue;
      frame.hold([path, value]);
      return;
    }
    this.sink.leaf(path, value, cut);
  }

  /** The innermost long field ends: its text offered when it was text, its held fields dropped (they were its text). */
  private close(): void {
    const frame = this.frames.pop() as ProtobufFrame;
    this.step = 'tag';
    this.reset();
    const text = frame.finish();
    if (text !== undefined) this.emit(frame.path, text.text, text.cut);
    else for (const [p, v] of frame.release()) this.emit(p, v, false);
  }

  private reset(): void {
    this.value = 0;
    this.scale = 1;
    this.octets = 0;
  }

  /** Reads fields of `top` from `at` up to `limit`; where it stopped (at `limit`, or after a long field's length). */
  private read(b: Uint8Array, at: number, limit: number, top: ProtobufFrame): number {
    this.base = this.pos - at;
    let i = at;
    while (i < limit && !top.opaque && this.opening === undefined) {
      if (this.step === 'skip') {
        const n = Math.min(this.skipLeft, limit - i);
        i += n;
        this.skipLeft -= n;
        if (this.skipLeft === 0) this.step = 'tag';
      } else if (this.step === 'held') i = this.fill(b, i, limit, top);
      else {
        i++;
        this.varintOctet(b[i - 1] as number, top, this.base + i);
      }
    }
    return top.opaque ? limit : i;
  }

  /** One octet of a varint (a tag, a value, a length); `next`: where the octet after it is in the message. */
  private varintOctet(octet: number, top: ProtobufFrame, next: number): void {
    this.value += (octet & 0x7f) * this.scale;
    this.scale *= 128;
    this.octets++;
    if (octet & 0x80) {
      if (this.octets >= 10) top.opaque = true;
      return;
    }
    const value = this.value;
    this.reset();
    if (this.step === 'tag') this.tag(value, top);
    else if (this.step === 'varint') this.step = 'tag';
    else this.delimited(value, top, next);
  }

  private tag(key: number, top: ProtobufFrame): void {
    const wireType = key % 8;
    this.field = Math.floor(key / 8);
    if (this.field === 0 || wireType > 5) top.opaque = true;
    else if (wireType === 0) this.step = 'varint';
    else if (wireType === 1 || wireType === 5) {
      this.skipLeft = wireType === 1 ? 8 : 4;
      this.step = 'skip';
    } else if (wireType === 2) this.step = 'length';
  }

  /** A delimited field of `length` octets from `start`: held, streamed as a level of its own, or passed by. */
  private delimited(length: number, top: ProtobufFrame, start: number): void {
    this.step = 'tag';
    if (length === 0) return;
    if (start + length > top.end) {
      top.opaque = true;
      return;
    }
    if (length <= heldFieldBytes) {
      this.held = new Uint8Array(length);
      this.heldAt = 0;
      this.step = 'held';
      return;
    }
    if (this.frames.length >= maxDepth) {
      // Too deep to follow: its text, if it is text, goes unjudged, and is counted so.
      this.sink.unread(1);
      this.skipLeft = length;
      this.step = 'skip';
      return;
    }
    this.opening = new ProtobufFrame(start + length, `${top.path}.${this.field}`, true);
  }

  private fill(b: Uint8Array, at: number, limit: number, top: ProtobufFrame): number {
    const n = Math.min(this.held.length - this.heldAt, limit - at);
    this.held.set(b.subarray(at, at + n), this.heldAt);
    this.heldAt += n;
    if (this.heldAt === this.held.length) {
      // A run of one character is kept as 64 of it, as a long field's text is (ValueWindow): padding costs little.
      for (const [path, value] of delimitedStrings(this.held, `${top.path}.${this.field}`))
        this.emit(path, shortRuns(value), false);
      this.held = new Uint8Array(0);
      this.step = 'tag';
    }
    return at + n;
  }
}

export type { Leaf };
