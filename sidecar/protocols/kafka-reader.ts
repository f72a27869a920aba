/** A bounds-checked cursor over Kafka's primitive types (kafka.apache.org/protocol#protocol_types); never throws. */
import { isPrintable, text, u16be, u32be } from './wire-bytes.ts';

export type KafkaReader = {
  readonly ok: boolean;
  readonly at: number;
  readonly end: number;
  skip(n: number): void;
  i8(): number;
  i16(): number;
  i32(): number;
  uvarint(): number;
  /** STRING / NULLABLE_STRING (int16 length), or COMPACT_(NULLABLE_)STRING (uvarint length + 1). */
  string(compact: boolean): string | null;
  /** Element count of an ARRAY (int32) or COMPACT_ARRAY (uvarint N + 1); -1 for null. */
  arrayLength(compact: boolean): number;
  /** BYTES/RECORDS (int32 length) or COMPACT_BYTES/RECORDS (uvarint length + 1), skipped. */
  skipBytes(compact: boolean): void;
  /** TAGGED_FIELDS: a count, then (tag, size, data) each; skipped. */
  skipTagged(): void;
};

/** One object with its methods on the prototype: a reader per request header costs no closures. */
class Reader implements KafkaReader {
  ok = true;
  constructor(
    private readonly b: Uint8Array,
    public at: number,
    readonly end: number,
  ) {}

  /** Advances `n` octets (clamped to the end); the offset before. A negative or overlong `n` makes the reader fail. */
  private take(n: number): number {
    const here = this.at;
    if (n < 0 || this.at + n > this.end) this.ok = false;
    this.at = Math.min(this.end, this.at + Math.max(n, 0));
    return here;
  }

  skip(n: number): void {
    this.take(n);
  }

  i8(): number {
    return ((this.b[this.take(1)] ?? 0) << 24) >> 24;
  }

  i16(): number {
    return (u16be(this.b, this.take(2)) << 16) >> 16;
  }

  i32(): number {
    return u32be(this.b, this.take(4)) | 0;
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.b[this.take(1)] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0 || !this.ok) return value;
    }
    this.ok = false;
    return 0;
  }

  string(compact: boolean): string | null {
    const n = compact ? this.uvarint() - 1 : this.i16();
    if (n < 0) return null;
    const from = this.take(n);
    if (!this.ok || !isPrintable(this.b, from, from + n)) {
      this.ok = false;
      return null;
    }
    return text(this.b, from, from + n);
  }

  arrayLength(compact: boolean): number {
    return compact ? this.uvarint() - 1 : this.i32();
  }

  skipBytes(compact: boolean): void {
    const n = compact ? this.uvarint() - 1 : this.i32();
    if (n > 0) this.take(n);
  }

  skipTagged(): void {
    const count = this.uvarint();
    for (let i = 0; i < count && this.ok; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }
}

export const kafkaReader = (b: Uint8Array, start: number, end = b.length): KafkaReader =>
  new Reader(b, start, end);
