/** A bounds-checked big-endian reader for TLS structures (RFC 8446 §3): reads past the end fail softly. */

export type TlsReader = {
  /** False once a read went past the end; every later read returns 0 or an empty view. */
  ok: boolean;
  readonly remaining: number;
  u8(): number;
  u16(): number;
  u24(): number;
  bytes(length: number): Uint8Array;
  /** A vector with a length prefix of `prefixBytes` (1, 2 or 3 octets), as a sub-reader. */
  vector(prefixBytes: number): TlsReader;
};

const empty = new Uint8Array(0);

/**
 * Reads `data[at, end)` in place: a sub-reader shares `data` with a narrower window, and integers are read from
 * the octets directly, so a ClientHello costs no view per field (hundreds of cipher suites and extensions).
 */
class WindowReader implements TlsReader {
  ok = true;
  constructor(
    private readonly data: Uint8Array,
    private at: number,
    private readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.at;
  }

  /** Advances over `length` octets; the start offset, or -1 (and not ok) when they are not all there. */
  private take(length: number): number {
    if (!this.ok || this.at + length > this.end) {
      this.ok = false;
      return -1;
    }
    this.at += length;
    return this.at - length;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : (this.data[at] ?? 0);
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : ((this.data[at] ?? 0) << 8) | (this.data[at + 1] ?? 0);
  }

  u24(): number {
    const at = this.take(3);
    const d = this.data;
    return at < 0 ? 0 : ((d[at] ?? 0) << 16) | ((d[at + 1] ?? 0) << 8) | (d[at + 2] ?? 0);
  }

  bytes(length: number): Uint8Array {
    const at = this.take(length);
    return at < 0 ? empty : this.data.subarray(at, at + length);
  }

  vector(prefixBytes: number): TlsReader {
    const length = prefixBytes === 1 ? this.u8() : prefixBytes === 2 ? this.u16() : this.u24();
    const at = this.take(length);
    if (at < 0) {
      const failed = new WindowReader(empty, 0, 0);
      failed.ok = false;
      return failed;
    }
    return new WindowReader(this.data, at, at + length);
  }
}

export const tlsReader = (data: Uint8Array): TlsReader => new WindowReader(data, 0, data.length);

/** Reads a vector of 16-bit values (cipher suites, groups, versions); `limit` bounds the list. */
export const readU16List = (reader: TlsReader, limit: number): number[] => {
  const values: number[] = [];
  while (reader.ok && reader.remaining >= 2 && values.length < limit) values.push(reader.u16());
  if (reader.remaining % 2 !== 0) reader.ok = false;
  return values;
};
