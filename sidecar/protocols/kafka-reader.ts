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

export const kafkaReader = (b: Uint8Array, start: number, end = b.length): KafkaReader => {
  let at = start;
  let ok = true;
  const take = (n: number): number => {
    const here = at;
    if (n < 0 || at + n > end) ok = false;
    at = Math.min(end, at + Math.max(n, 0));
    return here;
  };
  const reader: KafkaReader = {
    get ok() {
      return ok;
    },
    get at() {
      return at;
    },
    end,
    skip: (n) => void take(n),
    i8: () => ((b[take(1)] ?? 0) << 24) >> 24,
    i16: () => (u16be(b, take(2)) << 16) >> 16,
    i32: () => u32be(b, take(4)) | 0,
    uvarint: () => {
      let value = 0;
      for (let shift = 0; shift < 35; shift += 7) {
        const byte = b[take(1)] ?? 0;
        value += (byte & 0x7f) * 2 ** shift;
        if ((byte & 0x80) === 0 || !ok) return value;
      }
      ok = false;
      return 0;
    },
    string: (compact) => {
      const n = compact ? reader.uvarint() - 1 : reader.i16();
      if (n < 0) return null;
      const from = take(n);
      if (!ok || !isPrintable(b, from, from + n)) {
        ok = false;
        return null;
      }
      return text(b, from, from + n);
    },
    arrayLength: (compact) => (compact ? reader.uvarint() - 1 : reader.i32()),
    skipBytes: (compact) => {
      const n = compact ? reader.uvarint() - 1 : reader.i32();
      if (n > 0) take(n);
    },
    skipTagged: () => {
      const count = reader.uvarint();
      for (let i = 0; i < count && ok; i++) {
        reader.uvarint();
        take(reader.uvarint());
      }
    },
  };
  return reader;
};
