/**
 * ClickHouse's Data packets walked to their end without reading their values (src/Formats/NativeWriter.cpp,
 * Compression/CompressedWriteBuffer.cpp). A compressed block is LZ4 or ZSTD frames, each a 16-octet CityHash128, a
 * method octet, its compressed size (the 9-octet header included) and its decompressed size: skipped by that size. An
 * uncompressed block (Native format) is walked column by column for the types whose octets can be counted (numbers,
 * dates, UUIDs, strings, FixedString, Nullable of those); any other type, or a custom serialization, cannot be followed
 * and stops the direction.
 */
import { ClickhouseReader } from './clickhouse-reader.ts';
import { latin1 } from './wire-bytes.ts';

/** Compression methods on the wire (CompressionMethodByte): none, LZ4, ZSTD. */
const methods = new Set([0x02, 0x82, 0x90]);
/** A frame is at most ClickHouse's own limit (DBMS_MAX_COMPRESSED_SIZE, 1 GiB). */
const maxFrame = 0x4000_0000;
/** CompressedWriteBuffer's buffer: a frame that decompresses to it whole may have another of the same block behind. */
export const fullFrame = 1024 * 1024;
/** Revision from which a column says whether it has a custom serialization (54454). */
const customSerialization = 54454;

/** A compressed frame at `r.at`: its decompressed size once skipped, -1 on failure. */
export const skipFrame = (r: ClickhouseReader): number => {
  r.skip(16);
  const method = r.u8();
  const compressed = r.u32le();
  const decompressed = r.u32le();
  if (!r.ok) return -1;
  if (!methods.has(method) || compressed < 9 || compressed > maxFrame || decompressed > maxFrame)
    return r.fail();
  r.skip(compressed - 9);
  return decompressed;
};

/** True when the octets at `at` look like the start of a compressed frame (after a full one). */
export const looksLikeFrame = (b: Uint8Array, at: number): boolean => {
  const r = new ClickhouseReader(b, at);
  r.skip(16);
  const method = r.u8();
  const compressed = r.u32le();
  return r.ok && methods.has(method) && compressed >= 9 && compressed <= maxFrame;
};

const widths: Record<string, number> = {
  UInt8: 1,
  Int8: 1,
  Bool: 1,
  Enum8: 1,
  UInt16: 2,
  Int16: 2,
  Date: 2,
  Enum16: 2,
  UInt32: 4,
  Int32: 4,
  Float32: 4,
  Date32: 4,
  DateTime: 4,
  IPv4: 4,
  Decimal32: 4,
  UInt64: 8,
  Int64: 8,
  Float64: 8,
  DateTime64: 8,
  Decimal64: 8,
  UInt128: 16,
  Int128: 16,
  UUID: 16,
  IPv6: 16,
  Decimal128: 16,
  UInt256: 32,
  Int256: 32,
  Decimal256: 32,
};

/** The width of a Decimal(P, S) by its precision (DataTypesDecimal.h). */
const decimalWidth = (precision: number): number => {
  if (precision <= 9) return 4;
  if (precision <= 18) return 8;
  return precision <= 38 ? 16 : 32;
};

/** The octets of one value of a fixed-width type, 0 for String, -1 for a type that cannot be followed. */
const widthOf = (type: string): number => {
  const base = /^(\w+)(?:\((.*)\))?$/.exec(type);
  if (base === null) return -1;
  const [, name = '', args = ''] = base;
  if (name === 'String' && args === '') return 0;
  if (name === 'FixedString') return /^\d{1,6}$/.test(args) ? Number(args) : -1;
  if (name === 'Decimal') return decimalWidth(Number(/^\s*(\d+)/.exec(args)?.[1] ?? 99));
  return widths[name] ?? -1;
};

/** Skips one column's values: `rows` of `type`. */
const skipColumn = (r: ClickhouseReader, type: string, rows: number): void => {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  if (nullable !== null) r.skip(rows);
  const width = widthOf(nullable?.[1] ?? type);
  if (width < 0) r.fail();
  else if (width > 0) r.skip(width * rows);
  else for (let i = 0; i < rows && r.ok; i++) r.string(Number.MAX_SAFE_INTEGER);
};

/** BlockInfo (BlockInfo::write): numbered fields, 1 is_overflows (UInt8), 2 bucket_num (Int32), 0 ends. */
const skipBlockInfo = (r: ClickhouseReader): void => {
  for (let field = r.varuint(2); r.ok && field !== 0; field = r.varuint(2)) r.skip(field === 1 ? 1 : 4);
};

/** Walks an uncompressed Native block at `r.at` to its end. */
export const skipBlock = (r: ClickhouseReader, revision: number): void => {
  skipBlockInfo(r);
  const columns = r.varuint(100_000);
  const rows = r.varuint(1_000_000_000);
  for (let i = 0; i < columns && r.ok; i++) {
    r.string(1024);
    const type = r.string(1024);
    if (revision >= customSerialization && r.u8() !== 0) r.fail();
    if (type === undefined || !r.ok) return;
    if (rows > 0) skipColumn(r, latin1(r.b, type.start, type.end), rows);
  }
};
