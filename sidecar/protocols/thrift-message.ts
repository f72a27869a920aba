/**
 * A Thrift message header (thrift-binary-protocol.md, "Message"; thrift-compact-protocol.md, "Message"): the strict
 * binary header (0x80 0x01 0x00 type, name, seqid), the old non-strict one (name, type, seqid) and the compact one
 * (0x82, version 1 and type, varint seqid, name).
 */
import { type Encoding, malformed, needMore, varint } from './thrift-struct.ts';
import { i32be, latin1 } from './wire-bytes.ts';

/** CALL, REPLY, EXCEPTION, ONEWAY. */
export const messageTypes = { 1: 'call', 2: 'reply', 3: 'exception', 4: 'oneway' } as const;
export type MessageType = keyof typeof messageTypes;

export type MessageHeader = {
  encoding: Encoding;
  /** False for the old binary header without a version word. */
  strict: boolean;
  type: MessageType;
  /** The method, `Service:method` through a multiplexed protocol. */
  name: string;
  seqid: number;
  /** Where the message's struct starts. */
  body: number;
};

/** Longer than any service and method name written in an IDL. */
const maxName = 256;

const isLetter = (x: number): boolean => (x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a) || x === 0x5f;
/** An octet an IDL name may hold: letters, `_`, digits, `.` and the multiplexed protocol's `:`. */
export const isNameOctet = (x: number): boolean =>
  isLetter(x) || (x >= 0x30 && x <= 0x39) || x === 0x2e || x === 0x3a;

/**
 * An IDL identifier (a letter or `_`, then letters, digits, `_` and `.`), or two joined by the multiplexed
 * protocol's `:` (TMultiplexedProtocol.SEPARATOR), as far as the octets go: false at the first that breaks it.
 */
const nameSoFar = (b: Uint8Array, start: number, end: number): boolean => {
  let colons = 0;
  let wordStart = true;
  for (let i = start; i < Math.min(end, b.length); i += 1) {
    const x = b[i] ?? 0;
    if (!(wordStart ? isLetter(x) : isNameOctet(x))) return false;
    if (x === 0x3a) colons += 1;
    wordStart = x === 0x3a;
  }
  return colons <= 1 && !(end <= b.length && wordStart);
};

const isType = (x: number | undefined): x is MessageType => x !== undefined && x >= 1 && x <= 4;

type Named = { name: string; next: number } | number;

/** A name of `length` octets at `at`, checked as far as it goes. */
const nameAt = (b: Uint8Array, at: number, length: number): Named => {
  if (length < 1 || length > maxName || !nameSoFar(b, at, at + length)) return malformed;
  return at + length > b.length ? needMore : { name: latin1(b, at, at + length), next: at + length };
};

/** Strict binary: 0x80 0x01 0x00 type, i32 name length, name, i32 seqid. */
const strictBinary = (b: Uint8Array, at: number): MessageHeader | number => {
  if (b.length < at + 4) return b[at + 1] === undefined || b[at + 1] === 0x01 ? needMore : malformed;
  const type = b[at + 3];
  if (b[at + 1] !== 0x01 || b[at + 2] !== 0 || !isType(type)) return malformed;
  if (b.length < at + 8) return needMore;
  const named = nameAt(b, at + 8, i32be(b, at + 4));
  if (typeof named === 'number') return named;
  if (b.length < named.next + 4) return needMore;
  return {
    encoding: 'binary',
    strict: true,
    type,
    name: named.name,
    seqid: i32be(b, named.next),
    body: named.next + 4,
  };
};

/** Non-strict binary: i32 name length, name, type octet, i32 seqid. */
const oldBinary = (b: Uint8Array, at: number): MessageHeader | number => {
  if (b.length < at + 4) return needMore;
  const named = nameAt(b, at + 4, i32be(b, at));
  if (typeof named === 'number') return named;
  const type = b[named.next];
  if (type === undefined) return needMore;
  if (!isType(type)) return malformed;
  if (b.length < named.next + 5) return needMore;
  const seqid = i32be(b, named.next + 1);
  return { encoding: 'binary', strict: false, type, name: named.name, seqid, body: named.next + 5 };
};

/** Compact: 0x82, type (high 3 bits) and version 1 (low 5), varint seqid, varint name length, name. */
const compact = (b: Uint8Array, at: number): MessageHeader | number => {
  const second = b[at + 1];
  if (second === undefined) return needMore;
  const type = second >> 5;
  if ((second & 0x1f) !== 1 || !isType(type)) return malformed;
  const seqid = varint(b, at + 2, 5);
  if (typeof seqid === 'number') return seqid;
  const length = varint(b, seqid.next, 2);
  if (typeof length === 'number') return length;
  const named = nameAt(b, length.next, length.value);
  if (typeof named === 'number') return named;
  return {
    encoding: 'compact',
    strict: true,
    type,
    name: named.name,
    seqid: seqid.value | 0,
    body: named.next,
  };
};

/** The header at `at`, or needMore/malformed; `old` allows the non-strict binary header. */
export const readHeader = (b: Uint8Array, at: number, old: boolean): MessageHeader | number => {
  const first = b[at];
  if (first === undefined) return needMore;
  if (first === 0x80) return strictBinary(b, at);
  if (first === 0x82) return compact(b, at);
  return old && first === 0 ? oldBinary(b, at) : malformed;
};
