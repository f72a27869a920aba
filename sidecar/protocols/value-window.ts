/**
 * One value's octets as a tail reader streams them (ADR 46): its first and its last `size` octets are kept, so an
 * attack after padding inside the value is in its end. The middle passes by once; it is remembered whether it was one
 * run of a single octet (padding: nothing lost) or text that no detector reads (counted unread).
 */

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Octets as text: UTF-8, or Latin-1 when they are not UTF-8 (as the injection inputs read a body). */
export const octetsText = (bytes: Uint8Array): string => {
  const text = utf8.decode(bytes);
  return text.includes('\ufffd') ? latin1.decode(bytes) : text;
};

/** A run of one character past 64: padding, of which 64 are kept. */
const longRun = /(.)\1{64,}/gs;
export const shortRuns = (text: string): string =>
  text.length > 64 ? text.replace(longRun, (run) => run.slice(0, 64)) : text;

/** The middle's octet while it is one run; `none` before any, `mixed` once two differ. */
const none = -1;
const mixed = -2;

export class ValueWindow {
  private readonly head: Uint8Array;
  private headLength = 0;
  /** The latest octets: between `size` and twice that once the head is full. */
  private readonly end: Uint8Array;
  private endLength = 0;
  private run = none;
  /** Octets between head and end that were passed by. */
  private dropped = 0;

  constructor(private readonly size: number) {
    this.head = new Uint8Array(size);
    this.end = new Uint8Array(2 * size);
  }

  get length(): number {
    return this.headLength + this.dropped + this.endLength;
  }

  /** The middle was text, not one run: its octets were read by no detector. */
  get cut(): boolean {
    this.settle();
    return this.run === mixed;
  }

  /** The end cut to its last `size` octets, what is before them passed by. */
  private settle(): void {
    const extra = this.endLength - this.size;
    if (extra <= 0) return;
    this.drop(this.end.subarray(0, extra));
    this.end.copyWithin(0, extra, this.endLength);
    this.endLength = this.size;
  }

  clear(): void {
    this.headLength = 0;
    this.endLength = 0;
    this.dropped = 0;
    this.run = none;
  }

  private drop(bytes: Uint8Array): void {
    this.dropped += bytes.length;
    for (let i = 0; i < bytes.length && this.run !== mixed; i++) {
      const octet = bytes[i] as number;
      if (this.run === none) this.run = octet;
      else if (octet !== this.run) this.run = mixed;
    }
  }

  /** Octets `from` to `to` of `b`, the value's next. */
  add(b: Uint8Array, from: number, to: number): void {
    let at = from;
    if (this.headLength < this.size && at < to) {
      const n = Math.min(this.size - this.headLength, to - at);
      this.head.set(b.subarray(at, at + n), this.headLength);
      this.headLength += n;
      at += n;
    }
    const length = to - at;
    if (length <= 0) return;
    if (length >= this.size) {
      this.drop(this.end.subarray(0, this.endLength));
      this.drop(b.subarray(at, to - this.size));
      this.end.set(b.subarray(to - this.size, to), 0);
      this.endLength = this.size;
      return;
    }
    if (this.endLength + length > this.end.length) {
      const cut = this.endLength + length - this.size;
      this.drop(this.end.subarray(0, cut));
      this.end.copyWithin(0, cut, this.endLength);
      this.endLength -= cut;
    }
    this.end.set(b.subarray(at, to), this.endLength);
    this.endLength += length;
  }

  /**
   * The value's start and end as text, joined by `joint` when text between them was passed by; a run of one character
   * longer than 64 is kept as 64 of it, so padding costs little of the bound.
   */
  text(read: (bytes: Uint8Array) => string = octetsText, joint = '\n'): string {
    this.settle();
    const head = read(this.head.subarray(0, this.headLength));
    if (this.endLength === 0) return shortRuns(head);
    const end = read(this.end.subarray(0, this.endLength));
    return shortRuns(this.run === mixed ? `${head}${joint}${end}` : `${head}${end}`);
  }
}
