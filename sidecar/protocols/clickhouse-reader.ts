/**
 * A cursor over ClickHouse's native protocol octets (src/IO/VarInt.h, ReadHelpers.h): LEB128 unsigned varints,
 * strings as a varint length and their octets, little-endian integers. A read past the end marks the reader `short`
 * (more octets may decide), a value out of its bound marks it `bad`; either way later reads fail too, so a caller
 * reads a whole message and looks at the flags once. It never throws.
 */
export type Span = { start: number; end: number };

export class ClickhouseReader {
  short = false;
  bad = false;

  constructor(
    readonly b: Uint8Array,
    public at = 0,
  ) {}

  get ok(): boolean {
    return !this.short && !this.bad;
  }

  /** How the read went: `short`, `bad`, or the position reached. */
  result(): number {
    if (this.bad) return -1;
    return this.short ? 0 : this.at;
  }

  fail(): number {
    this.bad = true;
    return -1;
  }

  /** A varint of at most 9 octets (UInt64), no larger than `max`; -1 on failure. */
  varuint(max = Number.MAX_SAFE_INTEGER): number {
    if (!this.ok) return -1;
    let value = 0;
    for (let i = 0; i < 9; i++) {
      const octet = this.b[this.at + i];
      if (octet === undefined) {
        this.short = true;
        return -1;
      }
      value += (octet & 0x7f) * 2 ** (7 * i);
      if (octet < 0x80) {
        this.at += i + 1;
        return value > max ? this.fail() : value;
      }
    }
    return this.fail();
  }

  u8(): number {
    if (!this.ok) return -1;
    const octet = this.b[this.at];
    if (octet === undefined) {
      this.short = true;
      return -1;
    }
    this.at += 1;
    return octet;
  }

  /** Skips `n` octets. */
  skip(n: number): void {
    if (!this.ok) return;
    if (this.at + n > this.b.length) this.short = true;
    else this.at += n;
  }

  u32le(): number {
    const at = this.at;
    this.skip(4);
    if (!this.ok) return -1;
    const b = this.b;
    return (
      (b[at] ?? 0) + (b[at + 1] ?? 0) * 0x100 + (b[at + 2] ?? 0) * 0x10000 + (b[at + 3] ?? 0) * 0x1000000
    );
  }

  /** A string of at most `max` octets, its span; undefined on failure (a short one marks `short` once whole). */
  string(max: number): Span | undefined {
    const length = this.varuint(max);
    if (length < 0) return undefined;
    const start = this.at;
    this.skip(length);
    return this.ok ? { start, end: start + length } : undefined;
  }
}
