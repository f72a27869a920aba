/**
 * Streaming Thrift parser: each call and one-way message by its method (`Service/method` through a multiplexed
 * protocol), and each call's outcome from the reply with its seqid: success, a declared exception, or a
 * TApplicationException with its type and message. Framed and THeader frames have their length, so a loss inside one
 * skips to the next; unframed messages are as long as their struct.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { type Framing, framingOf, maxFrame, theader } from './thrift-detect.ts';
import { theaderPayload } from './thrift-header-payload.ts';
import { jsonApplicationError, jsonEnd, jsonOpen, jsonReplyOutcome, readJson } from './thrift-json.ts';
import { type MessageHeader, messageTypes, readHeader } from './thrift-message.ts';
import { type Encoding, type Field, i32Field, needMore, stringField, walkStruct } from './thrift-struct.ts';
import { i32be, maxTextBytes, utf8View } from './wire-bytes.ts';

/** An unframed TJSON message longer than this stops its direction, as a binary one past 64 KiB does. */
const maxUnframedJson = 64 * 1024;
/** Calls waiting for their reply, by seqid; the oldest is forgotten past this. */
export const maxWaiting = 128;

/** TApplicationException.type (lib/py/src/Thrift.py, lib/java TApplicationException). */
const applicationErrors = [
  'UNKNOWN',
  'UNKNOWN_METHOD',
  'INVALID_MESSAGE_TYPE',
  'WRONG_METHOD_NAME',
  'BAD_SEQUENCE_ID',
  'MISSING_RESULT',
  'INTERNAL_ERROR',
  'PROTOCOL_ERROR',
  'INVALID_TRANSFORM',
  'INVALID_PROTOCOL',
  'UNSUPPORTED_CLIENT_TYPE',
];

type State = { framing: Partial<Record<Direction, Framing>>; waiting: Map<number, string> };

/** The message's length at the start of `b`: > 0 the length, 0 when more octets are needed, -1 malformed. */
const frame = (state: State, b: Uint8Array, direction: Direction): number => {
  const seen = state.framing[direction] ?? framingOf(b);
  if (seen === undefined) return 0;
  if (seen === 'malformed') return -1;
  state.framing[direction] = seen;
  if (seen !== 'unframed') {
    if (b.length < 4) return 0;
    const length = i32be(b, 0);
    return length >= 2 && length <= maxFrame ? 4 + length : -1;
  }
  return unframedLength(b);
};

/** Where an unframed binary or compact message's struct ends, or needMore/malformed. */
const structEnd = (b: Uint8Array): number => {
  const header = readHeader(b, 0, true);
  return typeof header === 'number' ? header : walkStruct(header.encoding, b, header.body);
};

/** An unframed message's length: its struct's (or its JSON array's) end. */
const unframedLength = (b: Uint8Array): number => {
  const end = b[0] === jsonOpen ? jsonEnd(b, 0, maxUnframedJson) : structEnd(b);
  return end === needMore ? 0 : end < 0 ? -1 : end;
};

/** `Service:method` as the summary writes gRPC's calls, `Service/method`. */
const operationName = (name: string): string => name.replace(':', '/');

const op = (ctx: FrameContext, operation: string, detail: string): ProtocolEvent => ({
  kind: 'operation',
  ts: ctx.ts,
  direction: ctx.direction,
  protocol: 'thrift',
  operation,
  detail,
});

const textOf = (bytes: Uint8Array | undefined): string =>
  bytes === undefined ? '' : utf8View(bytes, 0, Math.min(bytes.length, maxTextBytes));

/** A TApplicationException struct: field 1 its message, field 2 its type. */
const applicationError = (encoding: Encoding, m: Uint8Array, fields: readonly Field[]): string => {
  const message = fields.find((f) => f.id === 1);
  const type = fields.find((f) => f.id === 2);
  const code = type === undefined ? undefined : i32Field(encoding, m, type);
  const name = code === undefined ? 'UNKNOWN' : (applicationErrors[code] ?? String(code));
  const text = message === undefined ? '' : textOf(stringField(encoding, m, message));
  return text === '' ? name : `${name}: ${text}`;
};

/** A reply's result struct: field 0 the success value (none for a void method), any other a declared exception. */
const replyOutcome = (encoding: Encoding, m: Uint8Array, fields: readonly Field[]): string | undefined => {
  const [first] = fields;
  if (first === undefined || first.id === 0) return undefined;
  const inner: Field[] = [];
  walkStruct(encoding, m, first.at, inner);
  // Exceptions usually carry their message in a string field: the first one names the failure.
  const text = textOf(inner.map((f) => stringField(encoding, m, f)).find((x) => x !== undefined));
  return `exception field ${first.id}${text === '' ? '' : `: ${text}`}`;
};

/** An answer, named by the call its seqid pairs it with (else by its own name), and its failure if any. */
const answered = (
  state: State,
  header: Pick<MessageHeader, 'name' | 'seqid'>,
  failure: string | undefined,
  ctx: FrameContext,
): ProtocolEvent => {
  const called = state.waiting.get(header.seqid);
  state.waiting.delete(header.seqid);
  const name = called ?? operationName(header.name);
  return failure === undefined ? op(ctx, name, 'ok') : op(ctx, 'error', `${name} ${failure}`);
};

const response = (state: State, header: MessageHeader, m: Uint8Array, ctx: FrameContext): ProtocolEvent => {
  const fields: Field[] = [];
  walkStruct(header.encoding, m, header.body, fields);
  const failure =
    header.type === 3
      ? `TApplicationException ${applicationError(header.encoding, m, fields)}`
      : replyOutcome(header.encoding, m, fields);
  return answered(state, header, failure, ctx);
};

/** A TJSON message: a call as any other, an answer's outcome from its parsed struct. */
const jsonMessage = (
  state: State,
  m: Uint8Array,
  at: number,
  how: string,
  ctx: FrameContext,
): ProtocolEvent[] => {
  const read = readJson(utf8View(m, at, m.length));
  if (read === undefined) return [];
  if (read.type === 1 || read.type === 4) return [call(state, read, ctx, `json ${how}`)];
  const failure =
    read.type === 3
      ? `TApplicationException ${jsonApplicationError(read.struct, applicationErrors)}`
      : jsonReplyOutcome(read.struct);
  return [answered(state, read, failure, ctx)];
};

const call = (
  state: State,
  header: Pick<MessageHeader, 'name' | 'seqid' | 'type'>,
  ctx: FrameContext,
  how: string,
): ProtocolEvent => {
  const name = operationName(header.name);
  if (header.type === 1) {
    state.waiting.delete(header.seqid);
    if (state.waiting.size >= maxWaiting) state.waiting.delete(state.waiting.keys().next().value ?? 0);
    state.waiting.set(header.seqid, name);
  }
  return op(ctx, name, `${messageTypes[header.type]} ${how}`);
};

/** The message in a frame, where its header starts, and how it came: `binary framed`, `compact header zlib`, ... */
const unwrap = (
  framing: Framing,
  m: Uint8Array,
): { bytes: Uint8Array; at: number; how: string } | undefined => {
  if (framing !== 'header') return { bytes: m, at: framing === 'framed' ? 4 : 0, how: framing };
  const found = theader(m);
  const payload = typeof found === 'number' ? undefined : theaderPayload(m, found);
  return payload === undefined
    ? undefined
    : { bytes: payload.bytes, at: 0, how: `header${payload.transform}` };
};

const message = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const found = unwrap(state.framing[ctx.direction] ?? 'unframed', m);
  if (found !== undefined && found.bytes[found.at] === jsonOpen)
    return jsonMessage(state, found.bytes, found.at, found.how, ctx);
  const header = found === undefined ? undefined : readHeader(found.bytes, found.at, true);
  if (found === undefined || header === undefined || typeof header === 'number') return [];
  const how = `${header.strict ? header.encoding : 'binary non-strict'} ${found.how}`;
  return [
    header.type === 1 || header.type === 4
      ? call(state, header, ctx, how)
      : response(state, header, found.bytes, ctx),
  ];
};

export const createThriftParser = (): ProtocolParser => {
  const state: State = { framing: {}, waiting: new Map() };
  return createFramedParser({
    frame: (b, d) => frame(state, b, d),
    message: (m, ctx) => message(state, m, ctx),
  });
};
