/** Builds HTTP/1.x request and response events from a parsed head and a bounded body. */
import type { Direction, HttpRequestEvent, HttpRequestRef, HttpResponseEvent } from '../events.ts';
import { forwardingHeaders } from './http-forwarded.ts';
import { type HttpHead, headerValue } from './http-head.ts';
import { createLaterTail } from './later-tail.ts';
import type { LaterTail } from './later-values.ts';
import { bodyWithTail, createMultipartTail, lastOctet, type MultipartTail } from './multipart-tail.ts';

/**
 * Request body bytes kept per message: every injection detector reads them, so a request padded with harmless bytes
 * hides nothing in its first 64 KiB, as much as its head holds (ADR 33). What passes it is told by `bodyTruncated`,
 * which `uninspected-body` reports for bodies of text.
 */
export const requestBodyLimit = 64 * 1024;
/** Response body bytes kept: magic numbers, metadata answers and leak checks read a response's start. */
export const responseBodyLimit = 8192;

/** The body bound of a message sent in `direction`. */
export const bodyLimit = (direction: Direction): number =>
  direction === 'to-server' ? requestBodyLimit : responseBodyLimit;

export type HttpMessage = {
  head: HttpHead;
  direction: Direction;
  parts: Uint8Array[];
  size: number;
  truncated: boolean;
  emitted: boolean;
  /** A response's request, when it was seen. */
  request: HttpRequestRef | undefined;
  /** A multipart request past its bound: the later parts' headers and fields (multipart-tail.ts). */
  tail?: MultipartTail | undefined;
  /** A form or JSON request past its bound: its later fields or strings (later-tail.ts, ADR 46). */
  later?: LaterTail | undefined;
};

export const newHttpMessage = (
  head: HttpHead,
  direction: Direction,
  request?: HttpRequestRef,
): HttpMessage => ({
  head,
  direction,
  parts: [],
  size: 0,
  truncated: false,
  emitted: false,
  request,
});

/** A request's target as its answer names it: kept across calls, while up to 64 (HTTP/2: 128) await answers. */
export const maxRefTarget = 8192;

/** What a response keeps of its request (not the head: up to 64 await their answers on a connection). */
export const requestRef = (head: HttpHead): HttpRequestRef => ({
  method: head.first[0],
  target: head.first[1].slice(0, maxRefTarget),
  forwarding: forwardingHeaders(head.headers),
});

/** A request passing its bound: a reader of what follows, for multipart, form and JSON bodies. */
const startTail = (message: HttpMessage, data: Uint8Array, room: number): void => {
  const type = headerValue(message.head.headers, 'content-type') ?? '';
  const encoding = headerValue(message.head.headers, 'content-encoding') ?? '';
  message.tail = createMultipartTail(type, encoding, lastOctet(message.parts, data, room));
  if (message.tail === undefined) message.later = createLaterTail(type, encoding, message.parts);
};

/**
 * Keeps body bytes up to the limit; returns true when the limit was passed and the message is to be told now. A
 * multipart, form or JSON request reads on past it (its later fields: multipart-tail.ts, later-tail.ts) and is told
 * when it ends.
 */
export const addBody = (message: HttpMessage, data: Uint8Array): boolean => {
  const room = bodyLimit(message.direction) - message.size;
  if (room > 0 && data.length > 0) {
    const kept = data.slice(0, room);
    message.parts.push(kept);
    message.size += kept.length;
  }
  if (data.length > room) {
    if (!message.truncated && message.direction === 'to-server') startTail(message, data, room);
    message.truncated = true;
    const rest = room > 0 ? data.subarray(room) : data;
    message.tail?.feed(rest);
    message.later?.feed(rest);
  }
  return message.truncated && message.tail === undefined && message.later === undefined;
};

const body = (message: HttpMessage): Uint8Array => bodyWithTail(message.parts, message.size, message.tail);

const versionOf = (text: string): string => (text.startsWith('HTTP/') ? text.slice(5) : text);

/** The event for a message; requests split the target into path and query. Literals, not spreads (key order kept). */
export const httpEvent = (message: HttpMessage, ts: number): HttpRequestEvent | HttpResponseEvent => {
  const [a, b, c] = message.head.first;
  const { direction } = message;
  const headers = message.head.headers;
  if (direction === 'to-client') {
    const response: HttpResponseEvent = {
      ts,
      direction,
      headers,
      body: body(message),
      kind: 'http-response',
      version: versionOf(a),
      status: Number(b) || 0,
      bodyTruncated: message.truncated,
      request: message.request,
    };
    return response;
  }
  const mark = b.indexOf('?');
  const request: HttpRequestEvent = {
    ts,
    direction,
    headers,
    body: body(message),
    kind: 'http-request',
    version: versionOf(c),
    method: a,
    target: b,
    path: mark < 0 ? b : b.slice(0, mark),
    query: mark < 0 ? '' : b.slice(mark + 1),
    bodyTruncated: message.truncated,
  };
  if (message.later !== undefined) request.later = message.later.result();
  return request;
};
