/**
 * The strings of a MessagePack value (msgpack spec), with their paths (`$.query`, `$[2]`), for binary WebSocket
 * messages: socket.io's msgpack parser and ASP.NET SignalR's MessagePack hub protocol (each message prefixed with
 * its length as a 7-bit varint) send what text APIs send as JSON. Undefined when the bytes are not MessagePack to
 * their end (or to the cut, for a message kept only in part) or hold no string. The caller bounds the bytes (a
 * WebSocket message's kept 64 KiB): every item is read, however many (ADR 35).
 */

import { leb128 } from './wire-bytes.ts';

type Leaf = [path: string, value: string];

const maxDepth = 16;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** `leaves`: the first `max` strings with their paths; `rest`: the strings after them, values only. */
type Reader = { b: Uint8Array; view: DataView; leaves: Leaf[]; rest: string[]; max: number };

/** Octets after the type octet for fixed-size types (nil, booleans, numbers, fixext), by type octet. */
const fixedSizes = new Map<number, number>([
  [0xc0, 0],
  [0xc2, 0],
  [0xc3, 0],
  [0xca, 4],
  [0xcb, 8],
  [0xcc, 1],
  [0xcd, 2],
  [0xce, 4],
  [0xcf, 8],
  [0xd0, 1],
  [0xd1, 2],
  [0xd2, 4],
  [0xd3, 8],
  [0xd4, 2],
  [0xd5, 3],
  [0xd6, 5],
  [0xd7, 9],
  [0xd8, 17],
]);

/** Big-endian length of `size` octets at `at`; -1 past the end. */
const lengthAt = (r: Reader, at: number, size: 1 | 2 | 4): number => {
  if (at + size > r.b.length) return -1;
  if (size === 1) return r.view.getUint8(at);
  return size === 2 ? r.view.getUint16(at) : r.view.getUint32(at);
};

type Head = { kind: 'str' | 'bin' | 'ext' | 'array' | 'map' | 'fixed'; count: number; body: number };

/** Types with a length (or count) field: kind, the field's size, and octets after it before the body (ext's type). */
const sized = new Map<number, [Head['kind'], 1 | 2 | 4, number]>([
  [0xc4, ['bin', 1, 0]],
  [0xc5, ['bin', 2, 0]],
  [0xc6, ['bin', 4, 0]],
  [0xc7, ['ext', 1, 1]],
  [0xc8, ['ext', 2, 1]],
  [0xc9, ['ext', 4, 1]],
  [0xd9, ['str', 1, 0]],
  [0xda, ['str', 2, 0]],
  [0xdb, ['str', 4, 0]],
  [0xdc, ['array', 2, 0]],
  [0xdd, ['array', 4, 0]],
  [0xde, ['map', 2, 0]],
  [0xdf, ['map', 4, 0]],
]);

/** The type octet at `at`: its kind, its length or element count, and where its body starts; undefined if invalid. */
const headAt = (r: Reader, at: number): Head | undefined => {
  const t = r.b[at];
  if (t === undefined || t === 0xc1) return undefined; // 0xc1 is never used
  if (t <= 0x7f || t >= 0xe0) return { kind: 'fixed', count: 0, body: at + 1 };
  if (t <= 0x8f) return { kind: 'map', count: t & 0x0f, body: at + 1 };
  if (t <= 0x9f) return { kind: 'array', count: t & 0x0f, body: at + 1 };
  if (t <= 0xbf) return { kind: 'str', count: t & 0x1f, body: at + 1 };
  const fixed = fixedSizes.get(t);
  if (fixed !== undefined) return { kind: 'fixed', count: fixed, body: at + 1 };
  const [kind, size, extra] = sized.get(t) ?? ['fixed', 1, 0];
  const count = lengthAt(r, at + 1, size);
  return count < 0 ? undefined : { kind, count, body: at + 1 + size + extra };
};

/** The name a map key gives a path: the key when it is a string (32 characters at most), else its position. */
const keyName = (r: Reader, at: number, index: number): string => {
  const head = headAt(r, at);
  return head?.kind === 'str' && head.body + head.count <= r.b.length
    ? utf8.decode(r.b.subarray(head.body, head.body + Math.min(head.count, 32)))
    : String(index);
};

/** An array's items or a map's entries; returns the offset after them, or -1. */
const container = (r: Reader, head: Head, path: string, depth: number): number => {
  let next = head.body;
  for (let i = 0; i < head.count && next >= 0; i++) {
    if (head.kind === 'array') next = value(r, next, `${path}[${i}]`, depth + 1);
    else {
      const key = keyName(r, next, i);
      const afterKey = skip(r, next, depth);
      next = afterKey < 0 ? -1 : value(r, afterKey, `${path}.${key}`, depth + 1);
    }
  }
  return next;
};

/** The value at `at`; returns the offset after it, or -1 when it is cut or invalid. */
function value(r: Reader, at: number, path: string, depth: number): number {
  const head = headAt(r, at);
  if (head === undefined || depth > maxDepth) return -1;
  const { kind, count, body } = head;
  if (kind === 'array' || kind === 'map') return container(r, head, path, depth);
  if (body + count > r.b.length) return -1;
  if (kind !== 'str') return body + count;
  const text = utf8.decode(r.b.subarray(body, body + count));
  if (r.leaves.length < r.max) r.leaves.push([path, text]);
  else r.rest.push(text);
  return body + count;
}

/** Skips a map key without listing it as a value. */
const skip = (r: Reader, at: number, depth: number): number => {
  const leaves = r.leaves.length;
  const rest = r.rest.length;
  const next = value(r, at, '', depth + 1);
  r.leaves.length = leaves;
  r.rest.length = rest;
  return next;
};

/** A reader of `b`; SignalR's frames share one list of leaves and one rest. */
const readerOf = (b: Uint8Array, max: number, leaves: Leaf[] = [], rest: string[] = []): Reader => ({
  b,
  view: new DataView(b.buffer, b.byteOffset, b.byteLength),
  leaves,
  rest,
  max,
});

/** The leaves, and past `max` of them one more, `(rest)`: the other strings, a line each (ADR 35). */
const listed = (r: Reader): Leaf[] | undefined => {
  if (r.leaves.length === 0) return undefined;
  if (r.rest.length > 0) r.leaves.push(['(rest)', r.rest.join('\n')]);
  return r.leaves;
};

/** SignalR's framing: a 7-bit varint length (at most 5 octets) before each message. */
const signalrFrames = (b: Uint8Array): Uint8Array[] | undefined => {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < b.length) {
    const length = leb128(b, at, 5);
    if (length === undefined || length[0] === 0 || length[1] + length[0] > b.length) return undefined;
    frames.push(b.subarray(length[1], length[1] + length[0]));
    at = length[1] + length[0];
  }
  return frames;
};

/**
 * The first `max` strings with their paths, then the others as one more leaf, `(rest)`, a line each. `cut`: the
 * message was kept only in part, so a value cut at the end still gives the strings before it.
 */
export const msgpackStrings = (b: Uint8Array, max: number, cut = false): Leaf[] | undefined => {
  const plain = readerOf(b, max);
  const end = value(plain, 0, '$', 0);
  if ((end === b.length || (cut && end < 0)) && plain.leaves.length > 0) return listed(plain);
  const frames = signalrFrames(b);
  if (frames === undefined) return undefined;
  const framed = readerOf(b, max);
  for (const [i, frame] of frames.entries()) {
    const r = readerOf(frame, max, framed.leaves, framed.rest);
    if (value(r, 0, `$[${i}]`, 0) !== frame.length) return undefined;
  }
  return listed(framed);
};
