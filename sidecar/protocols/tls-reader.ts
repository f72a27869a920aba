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

export const tlsReader = (data: Uint8Array): TlsReader => {
  let at = 0;
  const reader: TlsReader = {
    ok: true,
    get remaining() {
      return data.length - at;
    },
    u8: () => reader.bytes(1)[0] ?? 0,
    u16() {
      const b = reader.bytes(2);
      return ((b[0] ?? 0) << 8) | (b[1] ?? 0);
    },
    u24() {
      const b = reader.bytes(3);
      return ((b[0] ?? 0) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0);
    },
    bytes(length) {
      if (!reader.ok || at + length > data.length) {
        reader.ok = false;
        return new Uint8Array(0);
      }
      at += length;
      return data.subarray(at - length, at);
    },
    vector(prefixBytes) {
      const length = prefixBytes === 1 ? reader.u8() : prefixBytes === 2 ? reader.u16() : reader.u24();
      const inner = tlsReader(reader.bytes(length));
      if (!reader.ok) inner.ok = false;
      return inner;
    },
  };
  return reader;
};

/** Reads a vector of 16-bit values (cipher suites, groups, versions); `limit` bounds the list. */
export const readU16List = (reader: TlsReader, limit: number): number[] => {
  const values: number[] = [];
  while (reader.ok && reader.remaining >= 2 && values.length < limit) values.push(reader.u16());
  if (reader.remaining % 2 !== 0) reader.ok = false;
  return values;
};
