/**
 * Apache Thrift values in its binary and compact protocols (doc/specs/thrift-binary-protocol.md and
 * thrift-compact-protocol.md): a struct walked to its end without decoding it, its top-level fields found.
 */

export type Encoding = 'binary' | 'compact';

/** The bytes ran out before the value did. */
export const needMore = -1;
/** Not a value of the protocol. */
export const malformed = -2;

/** Deeper nesting than any IDL a service is written in: hostile input, not a struct. */
const maxDepth = 32;
/** Longer strings and collections than any implementation's default limit (16 MiB frames): not Thrift. */
const maxLength = 16 * 1024 * 1024;

/** A top-level field: its id, its type in the encoding's own codes, and where its value starts. */
export type Field = { id: number; type: number; at: number };

/** Binary protocol sizes of fixed-width types: BOOL, BYTE, DOUBLE, I16, I32, I64, UUID. */
const binaryFixed: Readonly<Record<number, number>> = { 2: 1, 3: 1, 4: 8, 6: 2, 8: 4, 10: 8, 16: 16 };
const binaryTypes = new Set([2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16]);
/** Compact protocol sizes of fixed-width types (BOOLEAN_TRUE and _FALSE as list elements, BYTE, DOUBLE, UUID). */
const compactFixed: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 1, 7: 8, 13: 16 };
/** Compact protocol integers (I16, I32, I64) and their longest varint. */
const compactVarints: Readonly<Record<number, number>> = { 4: 3, 5: 5, 6: 10 };

const i32At = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0) | 0;

/** An unsigned LEB128 varint of at most `max` octets: its value and the offset after it, or needMore/malformed. */
export const varint = (b: Uint8Array, at: number, max: number): { value: number; next: number } | number => {
  let value = 0;
  for (let i = 0; i < max; i += 1) {
    const x = b[at + i];
    if (x === undefined) return needMore;
    value += (x & 0x7f) * 2 ** (7 * i);
    if (x < 0x80) return { value, next: at + i + 1 };
  }
  return malformed;
};

/** The offset after `count` elements of `skip`, or needMore/malformed. */
const elements = (count: number, at: number, skip: (at: number) => number): number => {
  let next = at;
  for (let i = 0; i < count && next >= 0; i += 1) next = skip(next);
  return next;
};

const binaryLength = (b: Uint8Array, at: number): number => {
  if (at + 4 > b.length) return needMore;
  const length = i32At(b, at);
  return length < 0 || length > maxLength ? malformed : length;
};

/** A string (i32 length, octets) or a collection (element types, i32 size, elements) of the binary protocol. */
const skipBinaryVariable = (b: Uint8Array, at: number, type: number, depth: number): number => {
  const head = type === 11 ? 0 : type === 13 ? 2 : 1;
  const length = binaryLength(b, at + head);
  if (length < 0) return length;
  const body = at + head + 4;
  if (type === 11) return body + length > b.length ? needMore : body + length;
  const [key, value] = [b[at] ?? 0, b[at + 1] ?? 0];
  if (length > 0 && (!binaryTypes.has(key) || (type === 13 && !binaryTypes.has(value)))) return malformed;
  if (type === 13) return elements(length, body, (x) => skipPair(b, x, key, value, depth));
  return elements(length, body, (x) => skipBinary(b, x, key, depth));
};

/** Skips one binary-protocol value of `type` at `at`. */
const skipBinary = (b: Uint8Array, at: number, type: number, depth: number): number => {
  const fixed = binaryFixed[type];
  if (fixed !== undefined) return at + fixed > b.length ? needMore : at + fixed;
  return type === 12 ? walkBinary(b, at, depth + 1, undefined) : skipBinaryVariable(b, at, type, depth);
};

const skipPair = (b: Uint8Array, at: number, key: number, value: number, depth: number): number => {
  const next = skipBinary(b, at, key, depth);
  return next < 0 ? next : skipBinary(b, next, value, depth);
};

/** A field header: the STOP octet (0), a field's type, id and value offset, or needMore/malformed. */
type FieldHead = Field | number;

/** Binary field header: type octet, i16 id. */
const binaryField = (b: Uint8Array, at: number): FieldHead => {
  const type = b[at];
  if (type === undefined) return needMore;
  if (type === 0) return 0;
  if (!binaryTypes.has(type)) return malformed;
  if (at + 3 > b.length) return needMore;
  return { id: ((((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0)) << 16) >> 16, type, at: at + 3 };
};

/** Walks a struct from `at` to the octet after its STOP, field by field; top-level fields go to `fields`. */
const walk = (
  at: number,
  depth: number,
  fields: Field[] | undefined,
  head: (at: number, last: number) => FieldHead,
  value: (field: Field) => number,
): number => {
  if (depth > maxDepth) return malformed;
  let next = at;
  let last = 0;
  for (;;) {
    const field = head(next, last);
    if (typeof field === 'number') return field === 0 ? next + 1 : field;
    if (fields !== undefined && fields.length < 16) fields.push(field);
    last = field.id;
    next = value(field);
    if (next < 0) return next;
  }
};

const walkBinary = (b: Uint8Array, at: number, depth: number, fields: Field[] | undefined): number =>
  walk(
    at,
    depth,
    fields,
    (x) => binaryField(b, x),
    (field) => skipBinary(b, field.at, field.type, depth),
  );

/** A compact list or set header: element type in the low nibble, size in the high one or in a varint after it. */
const skipCompactList = (b: Uint8Array, at: number, depth: number): number => {
  const head = b[at];
  if (head === undefined) return needMore;
  const type = head & 0x0f;
  const short = head >> 4;
  const size = short === 15 ? varint(b, at + 1, 5) : { value: short, next: at + 1 };
  if (typeof size === 'number') return size;
  if (size.value > maxLength || (size.value > 0 && !isCompactType(type))) return malformed;
  return elements(size.value, size.next, (x) => skipCompact(b, x, type, depth));
};

/** A compact map: varint size, then (when not empty) key type in the high nibble and value type in the low one. */
const skipCompactMap = (b: Uint8Array, at: number, depth: number): number => {
  const size = varint(b, at, 5);
  if (typeof size === 'number') return size;
  if (size.value === 0) return size.next;
  const types = b[size.next];
  if (types === undefined) return needMore;
  const [key, value] = [types >> 4, types & 0x0f];
  if (size.value > maxLength || !isCompactType(key) || !isCompactType(value)) return malformed;
  return elements(size.value, size.next + 1, (x) => {
    const next = skipCompact(b, x, key, depth);
    return next < 0 ? next : skipCompact(b, next, value, depth);
  });
};

const isCompactType = (type: number): boolean => type >= 1 && type <= 13;

/** A compact integer (zigzag varint) or binary (varint length, octets). */
const skipCompactVarint = (b: Uint8Array, at: number, type: number): number => {
  const longest = compactVarints[type];
  if (longest !== undefined) {
    const v = varint(b, at, longest);
    return typeof v === 'number' ? v : v.next;
  }
  const length = varint(b, at, 5);
  if (typeof length === 'number') return length;
  if (length.value > maxLength) return malformed;
  return length.next + length.value > b.length ? needMore : length.next + length.value;
};

/** Skips one compact-protocol value of `type` at `at` (a field's boolean has no value: its type holds it). */
const skipCompact = (b: Uint8Array, at: number, type: number, depth: number): number => {
  const fixed = compactFixed[type];
  if (fixed !== undefined) return at + fixed > b.length ? needMore : at + fixed;
  if (type >= 4 && type <= 8 && type !== 7) return skipCompactVarint(b, at, type);
  if (type === 9 || type === 10) return skipCompactList(b, at, depth);
  if (type === 11) return skipCompactMap(b, at, depth);
  return type === 12 ? walkCompact(b, at, depth + 1, undefined) : malformed;
};

const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

/** Compact field header: an id delta (high nibble) and type (low), or delta 0 and a zigzag i16 id after it. */
const compactField = (b: Uint8Array, at: number, last: number): FieldHead => {
  const head = b[at];
  if (head === undefined) return needMore;
  if (head === 0) return 0;
  const type = head & 0x0f;
  if (!isCompactType(type)) return malformed;
  if (head >> 4 !== 0) return { id: last + (head >> 4), type, at: at + 1 };
  const zigzag = varint(b, at + 1, 3);
  return typeof zigzag === 'number' ? zigzag : { id: unzigzag(zigzag.value), type, at: zigzag.next };
};

/** Walks a compact-protocol struct; BOOLEAN_TRUE and BOOLEAN_FALSE as a field's type are its value. */
const walkCompact = (b: Uint8Array, at: number, depth: number, fields: Field[] | undefined): number =>
  walk(
    at,
    depth,
    fields,
    (x, last) => compactField(b, x, last),
    (field) => (field.type > 2 ? skipCompact(b, field.at, field.type, depth) : field.at),
  );

/** The offset after the struct at `at` (its STOP octet included), or needMore/malformed; `fields` gets its fields. */
export const walkStruct = (encoding: Encoding, b: Uint8Array, at: number, fields?: Field[]): number =>
  encoding === 'binary' ? walkBinary(b, at, 0, fields) : walkCompact(b, at, 0, fields);

/** Type codes of a string and an i32 in each encoding. */
const stringType = { binary: 11, compact: 8 } as const;
const i32Type = { binary: 8, compact: 5 } as const;

/** A field's string value (UTF-8 bytes), when the field is a string; at most `max` octets of it. */
export const stringField = (encoding: Encoding, b: Uint8Array, field: Field): Uint8Array | undefined => {
  if (field.type !== stringType[encoding]) return undefined;
  if (encoding === 'binary') {
    const length = binaryLength(b, field.at);
    return length < 0 ? undefined : b.subarray(field.at + 4, Math.min(b.length, field.at + 4 + length));
  }
  const length = varint(b, field.at, 5);
  return typeof length === 'number'
    ? undefined
    : b.subarray(length.next, Math.min(b.length, length.next + length.value));
};

/** A field's i32 value, when the field is an i32. */
export const i32Field = (encoding: Encoding, b: Uint8Array, field: Field): number | undefined => {
  if (field.type !== i32Type[encoding]) return undefined;
  if (encoding === 'binary') return field.at + 4 <= b.length ? i32At(b, field.at) : undefined;
  const zigzag = varint(b, field.at, 5);
  if (typeof zigzag === 'number') return undefined;
  return unzigzag(zigzag.value);
};
