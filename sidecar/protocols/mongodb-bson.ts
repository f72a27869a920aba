/** A tiny BSON reader (bsonspec.org v1.1): the top-level fields of one document, bounded and never throwing. */
import { cString, i32le, isPrintable, latin1, maxTextBytes, text } from './wire-bytes.ts';

export type BsonValue = string | number | boolean | null | undefined;
/** `size`: the bytes of its value (5 for an empty document). */
export type BsonField = { key: string; type: number; value: BsonValue; size: number };

/** Fixed sizes of element values by type; -1 means an int32 length prefix decides (strings, documents, ...). */
const fixedSizes: Record<number, number> = {
  1: 8,
  6: 0,
  7: 12,
  8: 1,
  9: 8,
  10: 0,
  16: 4,
  17: 8,
  18: 8,
  19: 16,
  127: 0,
  255: 0,
};

/** Bytes taken by the value of an element of `type` at `at`, or -1 when unknown or malformed. */
const valueSize = (b: Uint8Array, type: number, at: number): number => {
  const fixed = fixedSizes[type];
  if (fixed !== undefined) return fixed;
  const n = i32le(b, at);
  if (n < 0) return -1;
  // string, JS code, symbol: int32 length (with the NUL); document, array, code with scope: total length;
  // binary: int32 length + 1 subtype byte; DBPointer: string + 12-byte id.
  const sizes: Record<number, number> = {
    2: 4 + n,
    13: 4 + n,
    14: 4 + n,
    3: n,
    4: n,
    15: n,
    5: 5 + n,
    12: 16 + n,
  };
  if (type === 0x0b) return regexSize(b, at);
  return sizes[type] ?? -1;
};

const regexSize = (b: Uint8Array, at: number): number => {
  const pattern = cString(b, at);
  const options = pattern ? cString(b, pattern.next) : undefined;
  return options ? options.next - at : -1;
};

const readValue = (b: Uint8Array, type: number, at: number, size: number): BsonValue => {
  if (type === 0x02 || type === 0x0d || type === 0x0e) return text(b, at + 4, at + size - 1);
  if (type === 0x05) return latin1(b, at + 5, Math.min(at + size, at + 5 + maxTextBytes));
  if (type === 0x10) return i32le(b, at);
  if (type === 0x01) return Buffer.from(b.subarray(at, at + 8)).readDoubleLE(0);
  if (type === 0x12) return Number(Buffer.from(b.subarray(at, at + 8)).readBigInt64LE(0));
  if (type === 0x08) return b[at] === 1;
  if (type === 0x0a) return null;
  return undefined;
};

/** The element at `at`: its field and the offset after it, or undefined when it is not valid or does not fit. */
const readElement = (
  b: Uint8Array,
  at: number,
  end: number,
  docEnd: number,
): { field: BsonField; next: number } | undefined => {
  const type = b[at] ?? 0;
  const key = cString(b, at + 1, end, 256);
  if (!key || !isPrintable(b, at + 1, key.next - 1)) return undefined;
  const size = valueSize(b, type, key.next);
  if (size < 0 || key.next + size > docEnd) return undefined;
  const value = key.next + size <= b.length ? readValue(b, type, key.next, size) : undefined;
  return { field: { key: key.value, type, value, size }, next: key.next + size };
};

/**
 * Top-level fields of the document at `offset`, stopping at the first element that does not fit in the bytes
 * present (so a truncated document still yields its first fields), and whether they are all of them (the whole
 * document read, up to its closing NUL). Undefined when the first element is not valid BSON.
 */
export const bsonDocument = (
  b: Uint8Array,
  offset: number,
  maxFields = 64,
): { fields: BsonField[]; complete: boolean } | undefined => {
  const length = i32le(b, offset);
  if (length < 5 || length > 48 * 1024 * 1024) return undefined;
  const end = Math.min(b.length, offset + length - 1);
  const fields: BsonField[] = [];
  let at = offset + 4;
  while (at < end && fields.length < maxFields) {
    const element = readElement(b, at, end, offset + length);
    if (!element) break;
    fields.push(element.field);
    at = element.next;
  }
  if (fields.length === 0 && length !== 5) return undefined;
  return { fields, complete: at === offset + length - 1 && b[at] === 0 };
};

/** The top-level fields of the document at `offset` (as `bsonDocument`). */
export const bsonFields = (b: Uint8Array, offset: number, maxFields = 64): BsonField[] | undefined =>
  bsonDocument(b, offset, maxFields)?.fields;
