/**
 * A bounds-checked XDR reader (RFC 4506) for ONC RPC: big-endian 32-bit words, opaque data and strings padded to a
 * multiple of four octets. Every read returns undefined past the end, so hostile lengths never throw.
 */
import { latin1, u32be } from './wire-bytes.ts';

export class Xdr {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  get left(): number {
    return this.bytes.length - this.at;
  }

  u32(): number | undefined {
    if (this.at + 4 > this.bytes.length) return undefined;
    const value = u32be(this.bytes, this.at);
    this.at += 4;
    return value;
  }

  /** Skips `n` octets; false when fewer are left. */
  skip(n: number): boolean {
    if (n < 0 || this.at + n > this.bytes.length) return false;
    this.at += n;
    return true;
  }

  /** Variable-length opaque data of at most `max` octets (its length word, the octets, the padding). */
  opaque(max: number): Uint8Array | undefined {
    const length = this.u32();
    if (length === undefined || length > max) return undefined;
    const start = this.at;
    if (!this.skip((length + 3) & ~3)) return undefined;
    return this.bytes.subarray(start, start + length);
  }

  /** A string of at most `max` octets, read as latin1. */
  string(max: number): string | undefined {
    const octets = this.opaque(max);
    return octets === undefined ? undefined : latin1(octets);
  }
}

/** A printable form of a name from the wire: control characters shown as `?`, at most `max` characters. */
export const shown = (text: string, max = 256): string =>
  text.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
