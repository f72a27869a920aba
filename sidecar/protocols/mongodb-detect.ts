/** MongoDB wire protocol detection: a standard message header whose body matches its opcode. */
import type { Direction } from '../events.ts';
import { bsonFields } from './mongodb-bson.ts';
import type { Detection } from './protocol.ts';
import { cString, i32le, isPrintable, u32le } from './wire-bytes.ts';

// Opcodes (mongodb.com/docs/manual/reference/mongodb-wire-protocol, and the legacy opcodes page).
export const opReply = 1;
export const opQuery = 2004;
export const opCompressed = 2012;
export const opMsg = 2013;
export const legacyOps: Record<number, string> = {
  2001: 'update',
  2002: 'insert',
  2005: 'getMore',
  2006: 'delete',
  2007: 'killCursors',
};
export const maxMessage = 48 * 1024 * 1024;

/** OP_MSG: flagBits (only checksumPresent, moreToCome, exhaustAllowed defined), then a kind 0 or 1 section. */
const msgBody = (b: Uint8Array): boolean => {
  const flags = u32le(b, 16);
  if ((flags & ~0x0001_0003) !== 0) return false;
  if (b[20] === 0) return bsonFields(b, 21, 1) !== undefined;
  // Kind 1: int32 size, then the sequence identifier (a C string such as "documents").
  const id = cString(b, 25, b.length, 64);
  return b[20] === 1 && i32le(b, 21) >= 5 && id !== undefined && isPrintable(b, 25, id.next - 1);
};

/** OP_QUERY: flags, fullCollectionName ("db.collection"), numberToSkip, numberToReturn, a query document. */
const queryBody = (b: Uint8Array): boolean => {
  if ((u32le(b, 16) & ~0xfe) !== 0) return false;
  const name = cString(b, 20, b.length, 256);
  if (!name?.value.includes('.') || !isPrintable(b, 20, name.next - 1)) return false;
  return bsonFields(b, name.next + 8, 1) !== undefined;
};

/** OP_REPLY: responseFlags, cursorID, startingFrom, numberReturned, then that many documents. */
const replyBody = (b: Uint8Array): boolean => {
  if ((u32le(b, 16) & ~0x0f) !== 0) return false;
  const returned = i32le(b, 32);
  return returned === 0 ? i32le(b, 0) === 36 : returned > 0 && bsonFields(b, 36, 1) !== undefined;
};

/** OP_COMPRESSED: originalOpcode, uncompressedSize, compressorId (noop, snappy, zlib, zstd). */
const compressedBody = (b: Uint8Array): boolean => {
  const original = i32le(b, 16);
  const size = i32le(b, 20);
  const known =
    original === opMsg || original === opQuery || original === opReply || legacyOps[original] !== undefined;
  return known && size > 0 && size <= maxMessage && (b[24] ?? 9) <= 3;
};

/** Legacy writes: ZERO int32, then fullCollectionName. */
const legacyBody = (b: Uint8Array): boolean => {
  const name = cString(b, 20, b.length, 256);
  if (!name) return false;
  return name.value.includes('.') && isPrintable(b, 20, name.next - 1);
};

const bodyCheck = (opCode: number, direction: Direction): ((b: Uint8Array) => boolean) | undefined => {
  if (opCode === opMsg) return msgBody;
  if (opCode === opCompressed) return compressedBody;
  if (direction === 'to-client') return opCode === opReply ? replyBody : undefined;
  if (opCode === opQuery) return queryBody;
  return legacyOps[opCode] === undefined ? undefined : legacyBody;
};

/** How many bytes the body check may need: the whole message when it is small, else a generous prefix. */
const needed = (length: number): number => Math.min(length, 256);

export const detectMongodb = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length < 16)
    return b.length < 4 || (b[3] === 0 && b[2] !== undefined && b[2] < 0x04) ? 'need-more' : 'no-match';
  const length = i32le(b, 0);
  const check = bodyCheck(i32le(b, 12), direction);
  if (!check || length < 21 || length > maxMessage) return 'no-match';
  if (b.length < needed(length)) return 'need-more';
  return check(b.subarray(0, Math.min(b.length, length))) ? 'match' : 'no-match';
};
