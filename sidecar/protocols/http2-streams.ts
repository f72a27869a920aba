/** HTTP/2 per-stream message assembly: headers plus a bounded body, turned into http-request/response events. */

import type { ForwardingHeader } from '#core/finding.ts';
import type {
  Direction,
  Header,
  HttpRequestEvent,
  HttpRequestRef,
  HttpResponseEvent,
  ProtocolEvent,
} from '../events.ts';
import { dohMessage } from './http-doh.ts';
import {
  addForwardingLine,
  type ForwardingLines,
  forwardingHeaders,
  isForwardingName,
} from './http-forwarded.ts';
import { headerValue } from './http-head.ts';
import { bodyLimit, maxRefTarget, responseBodyLimit } from './http-message.ts';
import { createLaterTail } from './later-tail.ts';
import type { LaterTail } from './later-values.ts';
import {
  bodyWithTail,
  createMultipartTail,
  lastOctet,
  type MultipartTail,
  multipartTailBytes,
} from './multipart-tail.ts';

/**
 * Body bytes one direction's open messages hold together (as much as the reassembler holds a direction). A message is
 * kept to its bound (`bodyLimit`: 64 KiB a request) while they fit, and to the response bound (8 KiB) at least, so 128
 * concurrent streams cannot make a connection hold 8 MiB.
 */
const maxHeldBody = 256 * 1024;
/**
 * Each header list is decoded afresh for its message and kept whole, values uncut, as HTTP/1 keeps its head (ADR
 * 30: the decoder bounds the list's size). Forwarding headers are joined and bounded from the right instead
 * (`addForwardingLine`): the nearest proxy's entry is last.
 */
const boundHeaders = (headers: readonly Header[]): Header[] => {
  const bounded: Header[] = [];
  let forwarding: ForwardingLines | undefined;
  for (const header of headers) {
    const [name, value] = header;
    if (isForwardingName(name)) {
      forwarding ??= {};
      addForwardingLine(bounded, forwarding, name as ForwardingHeader, name, value);
      continue;
    }
    bounded.push(header);
  }
  return bounded;
};
const maxOpenStreams = 128;

/** A request's method, target and forwarding headers, kept for the response on its stream. */
export const http2RequestRef = (headers: readonly Header[]): HttpRequestRef => {
  const method = pseudo(headers, ':method');
  const target = method === 'CONNECT' ? pseudo(headers, ':authority') : pseudo(headers, ':path');
  return { method, target: target.slice(0, maxRefTarget), forwarding: forwardingHeaders(headers) };
};

/** Requests awaiting their response, by stream id; the oldest is forgotten past the open-stream bound. */
export class Http2PendingRequests {
  private requests: Map<number, HttpRequestRef> | undefined;

  remember(streamId: number, request: HttpRequestRef): void {
    this.requests ??= new Map();
    this.requests.delete(streamId);
    const oldest = this.requests.keys().next();
    if (this.requests.size >= maxOpenStreams && !oldest.done) this.requests.delete(oldest.value);
    this.requests.set(streamId, request);
  }

  /** The stream's request is dropped unanswered (the client reset it); true when it was awaiting its answer. */
  forget(streamId: number): boolean {
    return this.requests?.delete(streamId) === true;
  }

  take(streamId: number): HttpRequestRef | undefined {
    const request = this.requests?.get(streamId);
    if (request !== undefined) this.requests?.delete(streamId);
    return request;
  }
}

export type Http2Message = {
  streamId: number;
  headers: Header[];
  parts: Uint8Array[];
  size: number;
  truncated: boolean;
  emitted: boolean;
  /** A response's request, when its headers were seen on the stream. */
  request: HttpRequestRef | undefined;
  /** A multipart request past its bound: the later parts' headers and fields (multipart-tail.ts). */
  tail?: MultipartTail | undefined;
  /** A form or JSON request past its bound: its later fields or strings (later-tail.ts, ADR 46). */
  later?: LaterTail | undefined;
};

const pseudo = (headers: readonly Header[], name: string): string =>
  headers.find((h) => h[0] === name)?.[1] ?? '';

/** Events are built as literals (an object spread costs more than the rest of the event); key order as before. */
const toEvent = (
  message: Http2Message,
  direction: Direction,
  ts: number,
): HttpRequestEvent | HttpResponseEvent => {
  const headers = boundHeaders(message.headers);
  // The parts are copies (`kept.slice()` below), so a single one can be handed over as it is.
  const body = bodyWithTail(message.parts, message.size, message.tail);
  if (direction === 'to-client') {
    const response: HttpResponseEvent = {
      ts,
      direction,
      version: '2',
      headers,
      body,
      bodyTruncated: message.truncated,
      streamId: message.streamId,
      kind: 'http-response',
      status: Number(pseudo(message.headers, ':status')) || 0,
      request: message.request,
    };
    return response;
  }
  const method = pseudo(message.headers, ':method');
  const target =
    method === 'CONNECT' ? pseudo(message.headers, ':authority') : pseudo(message.headers, ':path');
  const mark = target.indexOf('?');
  const request: HttpRequestEvent = {
    ts,
    direction,
    version: '2',
    headers,
    body,
    bodyTruncated: message.truncated,
    streamId: message.streamId,
    kind: 'http-request',
    method,
    target,
    path: mark < 0 ? target : target.slice(0, mark),
    query: mark < 0 ? '' : target.slice(mark + 1),
  };
  if (message.later !== undefined) request.later = message.later.result();
  return request;
};

/** Open messages of one direction, keyed by stream id, bounded in number. */
export type Http2Messages = {
  open(
    streamId: number,
    headers: Header[],
    ts: number,
    out: ProtocolEvent[],
    request?: HttpRequestRef,
  ): Http2Message;
  get(streamId: number): Http2Message | undefined;
  /** Emits the message once (complete, truncated, reset or answered) and forgets it when `close`. */
  flush(streamId: number, ts: number, out: ProtocolEvent[], close: boolean): void;
  flushAll(ts: number, out: ProtocolEvent[]): void;
  append(message: Http2Message, data: Uint8Array, ts: number, out: ProtocolEvent[]): void;
};

/** One object per direction with its methods on the prototype; the map is made when a first stream opens. */
class Messages implements Http2Messages {
  private messages: Map<number, Http2Message> | undefined;
  /** Body bytes kept by messages not yet emitted. */
  private held = 0;

  constructor(private readonly direction: Direction) {}

  private emit(message: Http2Message, ts: number, out: ProtocolEvent[]): void {
    if (message.emitted) return;
    message.emitted = true;
    this.held -=
      message.size + (message.tail === undefined && message.later === undefined ? 0 : multipartTailBytes);
    const event = toEvent(message, this.direction, ts);
    out.push(event);
    const dns = dohMessage(event);
    if (dns !== undefined) out.push(dns);
  }

  open(
    streamId: number,
    headers: Header[],
    ts: number,
    out: ProtocolEvent[],
    request?: HttpRequestRef,
  ): Http2Message {
    this.flush(streamId, ts, out, true);
    this.messages ??= new Map();
    const oldest = this.messages.keys().next();
    if (this.messages.size >= maxOpenStreams && !oldest.done) this.flush(oldest.value, ts, out, true);
    const message: Http2Message = {
      streamId,
      headers,
      parts: [],
      size: 0,
      truncated: false,
      emitted: false,
      request,
    };
    this.messages.set(streamId, message);
    return message;
  }

  get(streamId: number): Http2Message | undefined {
    return this.messages?.get(streamId);
  }

  flush(streamId: number, ts: number, out: ProtocolEvent[], close: boolean): void {
    const message = this.messages?.get(streamId);
    if (message === undefined) return;
    this.emit(message, ts, out);
    if (close) this.messages?.delete(streamId);
  }

  flushAll(ts: number, out: ProtocolEvent[]): void {
    if (this.messages === undefined) return;
    for (const streamId of [...this.messages.keys()]) this.flush(streamId, ts, out, true);
  }

  append(message: Http2Message, data: Uint8Array, ts: number, out: ProtocolEvent[]): void {
    if (message.emitted) return;
    const free = maxHeldBody - this.held;
    const bound = Math.min(bodyLimit(this.direction), Math.max(responseBodyLimit, message.size + free));
    const room = bound - message.size;
    const kept = data.subarray(0, Math.max(0, room));
    if (kept.length > 0) {
      message.parts.push(kept.slice());
      message.size += kept.length;
      this.held += kept.length;
    }
    if (data.length > room) {
      // A multipart, form or JSON request reads on for its later fields (as HTTP/1's, addBody), told when it ends.
      // Its later fields count against what the direction holds: 128 streams cannot hold 64 KiB each of them either.
      const fits = this.held + multipartTailBytes <= maxHeldBody;
      if (!message.truncated && this.direction === 'to-server' && fits) this.startTail(message, data, room);
      message.truncated = true;
      const rest = data.subarray(Math.max(0, room));
      message.tail?.feed(rest);
      message.later?.feed(rest);
      if (message.tail === undefined && message.later === undefined) this.emit(message, ts, out);
    }
  }

  private startTail(message: Http2Message, data: Uint8Array, room: number): void {
    const type = headerValue(message.headers, 'content-type') ?? '';
    const encoding = headerValue(message.headers, 'content-encoding') ?? '';
    message.tail = createMultipartTail(type, encoding, lastOctet(message.parts, data, room));
    if (message.tail === undefined) message.later = createLaterTail(type, encoding, message.parts);
    if (message.tail !== undefined || message.later !== undefined) this.held += multipartTailBytes;
  }
}

export const createHttp2Messages = (direction: Direction): Http2Messages => new Messages(direction);
