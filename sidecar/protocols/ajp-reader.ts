/**
 * A bounds-checked cursor over one AJP13 packet's payload: octets, 2-octet integers and AJP strings (a 2-octet
 * length, the octets, a NUL; the length 0xFFFF is a null string). Reading past the payload never throws: it marks the
 * cursor `short` (the packet is cut) and a string without its NUL marks it `bad`.
 */
import { latin1, u16be } from './wire-bytes.ts';

export class AjpReader {
  at = 0;
  /** A read went past the end of the octets given. */
  short = false;
  /** A value broke the format (a string without its NUL). */
  bad = false;

  constructor(private readonly b: Uint8Array) {}

  get ok(): boolean {
    return !this.short && !this.bad;
  }

  get left(): number {
    return this.b.length - this.at;
  }

  byte(): number {
    if (this.at + 1 > this.b.length) {
      this.short = true;
      return 0;
    }
    return this.b[this.at++] ?? 0;
  }

  int(): number {
    if (this.at + 2 > this.b.length) {
      this.short = true;
      this.at = this.b.length;
      return 0;
    }
    const value = u16be(this.b, this.at);
    this.at += 2;
    return value;
  }

  /** The next octet without reading it (-1 at the end). */
  peek(): number {
    return this.b[this.at] ?? -1;
  }

  /** A string as Latin-1 text (one character per octet, as HTTP/1's heads are read); null for 0xFFFF. */
  string(): string | null {
    const length = this.int();
    if (!this.ok || length === 0xffff) return null;
    const end = this.at + length;
    if (end + 1 > this.b.length) {
      this.short = true;
      this.at = this.b.length;
      return null;
    }
    if (this.b[end] !== 0) this.bad = true;
    const value = latin1(this.b, this.at, end);
    this.at = end + 1;
    return value;
  }

  /**
   * A header's name: 0xA0 and a code that `codes` names, or a string, lower-cased as HTTP/1's parser keeps names. An
   * unknown code marks the cursor `bad`.
   */
  headerName(codes: readonly string[]): string {
    if (this.peek() !== 0xa0) return (this.string() ?? '').toLowerCase();
    const name = codes[this.int() & 0xff] ?? '';
    if (name === '' && !this.short) this.bad = true;
    return name;
  }

  /** Passes over a string without decoding it (a secret's value, never kept). */
  skipString(): void {
    const length = this.int();
    if (!this.ok || length === 0xffff) return;
    if (this.at + length + 1 > this.b.length) {
      this.short = true;
      this.at = this.b.length;
      return;
    }
    if (this.b[this.at + length] !== 0) this.bad = true;
    this.at += length + 1;
  }
}
