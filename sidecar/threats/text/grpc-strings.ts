/**
 * The text fields of a gRPC request body: each length-prefixed message (a compressed-flag octet and a 4-octet
 * length), inflated when `grpc-encoding` is gzip or deflate, read as protobuf without its schema (`+json` as JSON).
 * gRPC-Web uses the same framing (`grpc-web-text` in base64). Undefined when the body is not gRPC framing.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { jsonStrings } from './json-strings.ts';
import { protobufStrings } from './protobuf-strings.ts';

type Leaf = [path: string, value: string];

const maxMessages = 16;
/** A compressed message that inflates past this is a bomb, not a request: it is skipped. */
const maxInflated = 1024 * 1024;
const maxWalked = 64 * 1024;
const latin1 = new TextDecoder('latin1');

const inflated = (message: Uint8Array, encoding: string): Uint8Array | undefined => {
  try {
    if (encoding === 'gzip') return gunzipSync(message, { maxOutputLength: maxInflated });
    if (encoding === 'deflate') return inflateSync(message, { maxOutputLength: maxInflated });
  } catch {
    return undefined;
  }
  return undefined; // snappy, zstd and others are not read
};

const leavesOf = (
  message: Uint8Array,
  json: boolean,
  path: string,
  max: number,
  cut: boolean,
): Leaf[] | undefined => {
  const bytes = message.subarray(0, maxWalked);
  if (!json) return protobufStrings(bytes, max, path, cut || bytes.length < message.length);
  return jsonStrings(new TextDecoder().decode(bytes), max)?.map(
    ([p, v]): Leaf => [`${path}${p.slice(1)}`, v],
  );
};

/** The messages of a body: each with its compressed flag and whether the body's bound cut it; undefined if not framing. */
const framedMessages = (
  bytes: Uint8Array,
): { compressed: boolean; message: Uint8Array; cut: boolean }[] | undefined => {
  const messages = [];
  let at = 0;
  while (messages.length < maxMessages && at + 5 <= bytes.length) {
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

export const grpcStrings = (
  body: Uint8Array,
  contentType: string,
  encoding: string,
  max: number,
): Leaf[] | undefined => {
  const bytes = contentType.startsWith('application/grpc-web-text')
    ? new Uint8Array(Buffer.from(latin1.decode(body), 'base64'))
    : body;
  const messages = framedMessages(bytes);
  if (messages === undefined) return undefined;
  const json = contentType.includes('+json');
  const leaves: Leaf[] = [];
  for (const [index, { compressed, message, cut }] of messages.entries()) {
    const plain = compressed ? inflated(message, encoding) : message;
    if (plain === undefined) continue;
    // A body cut at the parser's bound keeps its last message's head: what it holds is still judged.
    const found = leavesOf(plain, json, index === 0 ? '$' : `$[${index}]`, max - leaves.length, cut);
    if (found === undefined) return index === 0 ? undefined : leaves;
    leaves.push(...found);
  }
  return leaves;
};
