/**
 * The text fields of a gRPC request body: each length-prefixed message (a compressed-flag octet and a 4-octet
 * length), inflated when `grpc-encoding` is gzip or deflate, read as protobuf without its schema (`+json` as JSON).
 * gRPC-Web uses the same framing (`grpc-web-text` in base64). Undefined when the body is not gRPC framing.
 *
 * Every message of the body is read, and every text field of each (ADR 30): the body the parser kept bounds the work.
 * What is inflated is bounded in octets instead: 1 MiB for the whole body, as for a `Content-Encoding` body. A server
 * reads a compressed message this leaves unread (past that bound, or in an encoding not read here: snappy, zstd), so
 * such messages are counted, and `uninspected-body` reports them; a corrupt one a server refuses too, and is not.
 */
import { constants, gunzipSync, inflateSync } from 'node:zlib';
import { protobufStrings } from '../../protocols/protobuf-strings.ts';
import { jsonStrings } from './json-strings.ts';

type Leaf = [path: string, value: string];

/** A body's text fields, and how many compressed messages a server would read that were not inflated here. */
export type GrpcBody = { leaves: Leaf[]; unread: number };

/**
 * Octets inflated from the compressed messages of one body, all of them together. A message that inflates past
 * what is left is a bomb, not a request: it is skipped, and the messages after it are still read.
 */
const maxInflated = 1024 * 1024;
const latin1 = new TextDecoder('latin1');

/** What inflating left: octets of the body's bound, and the compressed messages a server reads that were not. */
type Budget = { room: number; unread: number };

/** zlib stopped at `maxOutputLength` (Node's code for it), not at corrupt data. */
const pastBound = (error: unknown): boolean =>
  error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';

/**
 * A message as sent: inflated when compressed, within what `budget` has left of the body's octets (which it takes);
 * a message the body's bound cut gives what its first part inflates to. Undefined when it cannot be read: counted
 * as unread unless its data is corrupt (its server refuses it as well).
 */
const plainOf = (
  { compressed, message }: { compressed: boolean; message: Uint8Array },
  encoding: string,
  budget: Budget,
): Uint8Array | undefined => {
  if (!compressed) return message;
  // A compressed message without an encoding is refused by its server (gRPC: INTERNAL): nothing to read.
  if (encoding === '' || encoding === 'identity') return undefined;
  // snappy, zstd and others are not read.
  if ((encoding !== 'gzip' && encoding !== 'deflate') || budget.room === 0) {
    budget.unread += 1;
    return undefined;
  }
  const options = { maxOutputLength: budget.room, finishFlush: constants.Z_SYNC_FLUSH };
  let plain: Uint8Array;
  try {
    plain = encoding === 'gzip' ? gunzipSync(message, options) : inflateSync(message, options);
  } catch (error) {
    if (pastBound(error)) budget.unread += 1;
    return undefined;
  }
  budget.room -= plain.length;
  return plain;
};

const leavesOf = (message: Uint8Array, json: boolean, path: string, cut: boolean): Leaf[] | undefined => {
  if (!json) return protobufStrings(message, path, cut);
  return jsonStrings(new TextDecoder().decode(message), Number.POSITIVE_INFINITY)?.map(
    ([p, v]): Leaf => [`${path}${p.slice(1)}`, v],
  );
};

/** The messages of a body: each with its compressed flag and whether the body's bound cut it; undefined if not framing. */
const framedMessages = (
  bytes: Uint8Array,
): { compressed: boolean; message: Uint8Array; cut: boolean }[] | undefined => {
  const messages = [];
  let at = 0;
  while (at + 5 <= bytes.length) {
    const flag = bytes[at] ?? 0;
    if (flag > 1) break; // 0x80 is gRPC-Web's trailer frame
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    messages.push({
      compressed: flag === 1,
      message: bytes.subarray(at + 5, at + 5 + length),
      cut: at + 5 + length > bytes.length,
    });
    at += 5 + length;
  }
  return messages.length === 0 ? undefined : messages;
};

/** Every text field of every message, in order, and the count of compressed messages not inflated. */
const readBody = (body: Uint8Array, contentType: string, encoding: string): GrpcBody | undefined => {
  const bytes = contentType.startsWith('application/grpc-web-text')
    ? new Uint8Array(Buffer.from(latin1.decode(body), 'base64'))
    : body;
  const messages = framedMessages(bytes);
  if (messages === undefined) return undefined;
  const json = contentType.includes('+json');
  const leaves: Leaf[] = [];
  const budget: Budget = { room: maxInflated, unread: 0 };
  for (const [index, framed] of messages.entries()) {
    const plain = plainOf(framed, encoding, budget);
    if (plain === undefined) continue;
    // A body cut at the parser's bound keeps its last message's head: what it holds is still judged.
    const found = leavesOf(plain, json, index === 0 ? '$' : `$[${index}]`, framed.cut);
    // Not a message: the body is not gRPC after all if it is the first; a later one is skipped, not the rest with it.
    if (found === undefined && index === 0) return undefined;
    if (found === undefined) continue;
    for (const leaf of found) leaves.push(leaf);
  }
  return { leaves, unread: budget.unread };
};

/** The last body read: the injection inputs and `uninspected-body` both ask about the same request in a row. */
const last: { body?: Uint8Array; contentType?: string; encoding?: string; read?: GrpcBody | undefined } = {};

/** A gRPC body read (memoized for the last body); undefined when the body is not gRPC framing. */
export const grpcBody = (body: Uint8Array, contentType: string, encoding: string): GrpcBody | undefined => {
  if (last.body !== body || last.contentType !== contentType || last.encoding !== encoding) {
    last.body = body;
    last.contentType = contentType;
    last.encoding = encoding;
    last.read = readBody(body, contentType, encoding);
  }
  return last.read;
};

/** Every text field of every message, in order; the caller bounds how many it judges one by one. */
export const grpcStrings = (body: Uint8Array, contentType: string, encoding: string): Leaf[] | undefined =>
  grpcBody(body, contentType, encoding)?.leaves;
