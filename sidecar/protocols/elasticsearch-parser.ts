/**
 * Streaming Elasticsearch transport parser: the action each request names (`indices:data/read/search`,
 * `internal:tcp/handshake`, …) and responses that carry an error. The action follows the message header in
 * TcpHeader's variable part (version 7.6 and later, after an int32 size; inline before): the thread context's
 * request headers (a string map) and response headers (a map of string lists), the request's features (a string
 * list), then the action. Strings are a vint count of UTF-16 units, then those units in UTF-8.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import {
  esHeaderLength,
  esLength,
  esMaxLength,
  plausibleStatus,
  plausibleVersion,
} from './elasticsearch-detect.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { i32be, latin1 } from './wire-bytes.ts';

/** 7.6.0: the header's variable part starts with its int32 size. */
const variableHeaderSince = 7_060_099;
const isRequest = (status: number): boolean => (status & 1) === 0;
const isError = (status: number): boolean => (status & 2) !== 0;
const isCompressed = (status: number): boolean => (status & 4) !== 0;
/** `family:path`, as every transport action is named (cluster:, indices:, internal:, …). */
const actionPattern = /^[a-z][a-z0-9_]*:[\x21-\x7e]{1,200}$/;

const frame = (b: Uint8Array): number => {
  if (b.length < 6) return 0;
  if (b[0] !== 0x45 || b[1] !== 0x53) return -1;
  const length = esLength(b);
  if (length === -1) return 6;
  return length >= esHeaderLength - 6 && length <= esMaxLength ? 6 + length : -1;
};

/** A vint (7 bits per octet, least significant first, at most 5 octets) at `at`: [value, next offset] or undefined. */
const vint = (m: Uint8Array, at: number): [number, number] | undefined => {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = m[at + i];
    if (b === undefined) return undefined;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return undefined;
};

/** Skips a string (vint UTF-16 unit count, then UTF-8 units of 1 to 3 octets): the next offset, or -1. */
const skipString = (m: Uint8Array, at: number): number => {
  const count = vint(m, at);
  if (count === undefined) return -1;
  let offset = count[1];
  for (let unit = 0; unit < count[0]; unit++) {
    const lead = m[offset];
    if (lead === undefined) return -1;
    offset += lead < 0x80 ? 1 : lead >= 0xe0 ? 3 : 2;
  }
  return offset <= m.length ? offset : -1;
};

/** Skips a map at `at` (a vint count of entries, each a string key then a string, or a list when `lists`): -1 if cut. */
const skipEntries = (m: Uint8Array, at: number, lists: boolean): number => {
  const entries = at < 0 ? undefined : vint(m, at);
  if (entries === undefined) return -1;
  let offset = entries[1];
  for (let entry = 0; entry < entries[0] && offset >= 0; entry++) {
    offset = skipString(m, offset);
    if (offset >= 0) offset = lists ? skipList(m, offset) : skipString(m, offset);
  }
  return offset;
};

/** Skips a string list (a vint count, then strings): the next offset, or -1. */
const skipList = (m: Uint8Array, at: number): number => {
  const count = at < 0 ? undefined : vint(m, at);
  if (count === undefined) return -1;
  let offset = count[1];
  for (let i = 0; i < count[0] && offset >= 0; i++) offset = skipString(m, offset);
  return offset;
};

/** The ASCII string at `at` when it names an action, else undefined. */
const actionAt = (m: Uint8Array, at: number): string | undefined => {
  const count = at < 0 ? undefined : vint(m, at);
  if (count === undefined || count[1] + count[0] > m.length) return undefined;
  const name = latin1(m, count[1], count[1] + count[0]);
  return actionPattern.test(name) ? name : undefined;
};

/** The action a request names: after the thread context and the features, or (should features go) right after it. */
const action = (m: Uint8Array, version: number): string | undefined => {
  const start = version >= variableHeaderSince ? esHeaderLength + 4 : esHeaderLength;
  const context = skipEntries(m, skipEntries(m, start, false), true);
  if (context < 0) return undefined;
  return actionAt(m, skipList(m, context)) ?? actionAt(m, context);
};

const op = (ctx: FrameContext, operation: string): ProtocolEvent => ({
  kind: 'operation',
  ts: ctx.ts,
  direction: ctx.direction,
  protocol: 'elasticsearch',
  operation,
});

const message = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (m.length < esHeaderLength) return []; // a ping
  const status = m[14] as number;
  const version = i32be(m, 15);
  if (!plausibleStatus(status) || !plausibleVersion(version)) return [];
  if (!isRequest(status)) return isError(status) ? [op(ctx, 'error')] : [];
  // Before 7.6 a compressed message compresses its thread context and action too.
  if (isCompressed(status) && version < variableHeaderSince) return [];
  const name = action(m, version);
  return name === undefined ? [] : [op(ctx, name)];
};

export const createElasticsearchParser = (): ProtocolParser =>
  createFramedParser({
    frame: (b: Uint8Array, _direction: Direction) => frame(b),
    message,
  });
