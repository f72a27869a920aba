/**
 * Thrift detection: a message header at the start (unframed, "buffered" transport, and each UDP datagram), after a
 * framed transport's i32 length (TFramedTransport), or inside a THeader frame (magic 0x0FFF: fbthrift, Finagle).
 * The strict binary and compact headers are taken on their own; the old non-strict binary header, which starts like
 * any length-prefixed protocol, only with an identifier for a name, the message type its direction sends, and a
 * whole struct after it that ends where the frame, or everything the side has sent, ends.
 */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { detectJson, jsonOpen } from './thrift-json.ts';
import { type MessageHeader, readHeader } from './thrift-message.ts';
import { malformed, needMore, varint, walkStruct } from './thrift-struct.ts';
import { u16be, u32be } from './wire-bytes.ts';

/** TFramedTransport's default maximum frame (16 MB): a larger length is not a frame. */
export const maxFrame = 16 * 1024 * 1024;
export type Framing = 'framed' | 'header' | 'unframed';

/** THeader: i32 length, 0x0FFF, i16 flags, i32 seqid, i16 header length in 4-octet words (THeaderTransport.py). */
const isHeaderMagic = (b: Uint8Array, at: number): boolean => b[at] === 0x0f && b[at + 1] === 0xff;

/** How a direction frames its messages, from its first octets; undefined while they cannot tell. */
export const framingOf = (b: Uint8Array): Framing | 'malformed' | undefined => {
  const first = b[0];
  if (first === undefined) return undefined;
  if (first === 0x80 || first === 0x82 || first === jsonOpen) return 'unframed';
  if (first !== 0) return 'malformed';
  const fifth = b[4];
  if (fifth === undefined) return undefined;
  if (fifth === 0x80 || fifth === 0x82 || fifth === 0 || fifth === jsonOpen) return 'framed';
  if (fifth === 0x0f) return 'header';
  return 'unframed';
};

/** THeader's transform ids (TTransform in fbthrift's THeader.h): zlib is 1; 2 was HMAC, 3 snappy, 4 QuickLZ, 5 zstd. */
export const zlibTransform = 1;
/** A header naming more transforms than this is not one a library writes. */
const maxTransforms = 8;

export type THeaderFrame = { payload: number; protocol: number; transforms: readonly number[] };

/** `count` transform ids from `at`, each a varint inside the header (before `end`). */
const transformIds = (b: Uint8Array, at: number, count: number, end: number): number[] | number => {
  const ids: number[] = [];
  let next = at;
  for (let i = 0; i < count; i += 1) {
    const id = varint(b, next, 5);
    if (typeof id === 'number') return id;
    if (id.next > end) return malformed;
    ids.push(id.value);
    next = id.next;
  }
  return ids;
};

/** Where a THeader frame's payload starts, its protocol id (0 binary, 2 compact) and its transform ids in order. */
export const theader = (b: Uint8Array): THeaderFrame | number => {
  if (b.length < 14) return isHeaderMagic(b, 4) || b.length < 6 ? needMore : malformed;
  if (!isHeaderMagic(b, 4)) return malformed;
  const payload = 14 + u16be(b, 12) * 4;
  if (payload > 4 + u32be(b, 0)) return malformed;
  const protocol = varint(b, 14, 5);
  if (typeof protocol === 'number') return protocol;
  const count = varint(b, protocol.next, 5);
  if (typeof count === 'number') return count;
  if ((protocol.value !== 0 && protocol.value !== 2) || count.value > maxTransforms) return malformed;
  const transforms = transformIds(b, count.next, count.value, payload);
  if (typeof transforms === 'number') return transforms;
  return { payload, protocol: protocol.value, transforms };
};

const expected = (direction: Direction, header: MessageHeader): boolean =>
  direction === 'to-server' ? header.type === 1 || header.type === 4 : header.type === 2 || header.type === 3;

/** The struct after a header: whole and ending at `end` (when framed), or cut short by the octets seen. */
const body = (b: Uint8Array, header: MessageHeader, end: number | undefined): Detection => {
  const whole = end !== undefined && end <= b.length;
  const after = walkStruct(header.encoding, whole ? b.subarray(0, end) : b, header.body);
  if (after === malformed || (after === needMore && whole)) return 'no-match';
  if (after >= 0) {
    if (after !== (end ?? after)) return 'no-match';
    return header.strict || end !== undefined || after === b.length ? 'match' : 'no-match';
  }
  // The struct runs past the octets seen: a strict header and the struct's first field are signature enough.
  return header.strict && b.length > header.body ? 'match' : 'need-more';
};

/**
 * The message at `at`, ending at `end` when framed: a strict or compact header with a struct that starts well,
 * or an old binary header, of a type its direction sends, with a whole struct ending exactly at `end` (the bytes
 * seen, when unframed).
 */
const message = (b: Uint8Array, at: number, end: number | undefined, direction: Direction): Detection => {
  if (b[at] === jsonOpen) return detectJson(b, at, direction);
  const header = readHeader(b, at, true);
  if (header === needMore) return 'need-more';
  if (typeof header === 'number' || (end !== undefined && header.body >= end)) return 'no-match';
  return header.strict || expected(direction, header) ? body(b, header, end) : 'no-match';
};

const framed = (b: Uint8Array, direction: Direction): Detection => {
  const length = u32be(b, 0);
  if (length < 2 || length > maxFrame) return 'no-match';
  return message(b, 4, 4 + length, direction);
};

/** A THeader frame: its header must hold together; the payload is read when no transform (zlib, ...) hides it. */
const header = (b: Uint8Array, direction: Direction): Detection => {
  const length = u32be(b, 0);
  if (length < 10 || length > maxFrame) return 'no-match';
  const found = theader(b);
  if (found === needMore) return 'need-more';
  if (typeof found === 'number') return 'no-match';
  if (found.transforms.length > 0) return 'match';
  // The payload's first octet is the protocol the header names: 0x80 binary, 0x82 compact.
  const first = b[found.payload];
  if (first !== undefined && first !== (found.protocol === 0 ? 0x80 : 0x82)) return 'no-match';
  return message(b, found.payload, 4 + length, direction);
};

export const detectThrift = (b: Uint8Array, direction: Direction): Detection => {
  const framing = framingOf(b);
  if (framing === undefined) return 'need-more';
  if (framing === 'malformed') return 'no-match';
  if (framing === 'framed') return framed(b, direction);
  return framing === 'header' ? header(b, direction) : message(b, 0, undefined, direction);
};
