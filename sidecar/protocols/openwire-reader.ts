/**
 * OpenWire's two field encodings (activemq-client `BaseDataStreamMarshaller`, `BooleanStream`). Loose: each boolean
 * an octet, a long 8 octets, a string a presence octet then a Java UTF string. Tight: a command's booleans packed
 * into a bit stream ahead of its fields, least significant bit first (a string's presence and ASCII bits among
 * them), a long 0, 2, 4 or 8 octets as two bits say. Reads past the frame set `bad` and return nothing: never throw.
 */
import { u16be, u32be, utf8View } from './wire-bytes.ts';

export class OpenWireReader {
  bad = false;
  private bits: Uint8Array = new Uint8Array(0);
  private bit = 0;

  /** `tight`: the frame's fields start with a BooleanStream (its size: an octet, 0xC0 then an octet, 0x80 then u16). */
  constructor(
    private readonly frame: Uint8Array,
    public at: number,
    readonly tight: boolean,
  ) {
    if (!tight) return;
    let size = this.octet();
    if (size === 0xc0) size = this.octet();
    else if (size === 0x80) size = this.u16();
    this.bits = frame.subarray(this.at, this.at + size);
    this.skip(size);
  }

  private take(n: number): number {
    const start = this.at;
    if (this.bad || start + n > this.frame.length) {
      this.bad = true;
      return -1;
    }
    this.at += n;
    return start;
  }

  skip(n: number): void {
    this.take(n);
  }

  octet(): number {
    const at = this.take(1);
    return at < 0 ? 0 : (this.frame[at] ?? 0);
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : u16be(this.frame, at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : u32be(this.frame, at);
  }

  bool(): boolean {
    if (!this.tight) return this.octet() !== 0;
    const octet = this.bits[this.bit >> 3];
    if (octet === undefined) {
      this.bad = true;
      return false;
    }
    const set = ((octet >> (this.bit & 7)) & 1) === 1;
    this.bit++;
    return set;
  }

  /** A long, skipped (its value matters to no operation told). */
  long(): void {
    if (!this.tight) {
      this.skip(8);
      return;
    }
    // Two bits: 1 then 1 or 0 for 8 or 4 octets; 0 then 1 or 0 for 2 octets or none.
    const wide = this.bool();
    const size = this.bool() ? (wide ? 8 : 2) : wide ? 4 : 0;
    this.skip(size);
  }

  /** A byte array, skipped: a presence flag, a u32 length, the octets. */
  bytes(): void {
    if (this.bool()) this.skip(this.u32());
  }

  /** A string (null when absent): tight, a presence and an ASCII bit; either way a u16 length then the octets. */
  string(): string | null {
    if (!this.bool()) return null;
    if (this.tight) this.bool();
    const length = this.u16();
    const at = this.take(length);
    return at < 0 ? null : utf8View(this.frame, at, at + Math.min(length, 1024));
  }
}
