/**
 * One AJP13 request and its answer as HTTP messages (http-message.ts), so the web detectors read a request forwarded
 * over AJP as they read one sent over HTTP: the request's head from its FORWARD_REQUEST (its query from the
 * `query_string` attribute), its body from the proxy's data packets, bounded as HTTP/1's; the answer's from
 * SEND_HEADERS and the body chunks, told at END_RESPONSE.
 */
import type { HttpRequestEvent, HttpRequestRef, HttpResponseEvent } from '../events.ts';
import type { AjpForwardRequest } from './ajp-forward-request.ts';
import type { AjpSendHeaders } from './ajp-send-headers.ts';
import { headerValue } from './http-head.ts';
import { addBody, type HttpMessage, httpEvent, newHttpMessage, requestRef } from './http-message.ts';

/** The body octets still to come: a count (Content-Length), `open` (no length: until an empty packet), or none. */
export type BodyToCome = number | 'open';

export type AjpRequest = {
  message: HttpMessage;
  attributes: AjpForwardRequest['attributes'];
  toCome: BodyToCome;
  told: boolean;
};

/** How much body follows a request: its Content-Length, or until an empty packet when it is sent chunked. */
const bodyToCome = (request: AjpForwardRequest): BodyToCome => {
  const length = headerValue(request.headers, 'content-length');
  if (length !== undefined) return /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : 0;
  return headerValue(request.headers, 'transfer-encoding') === undefined ? 0 : 'open';
};

export const newAjpRequest = (request: AjpForwardRequest): AjpRequest => {
  const target = request.query === '' ? request.uri : `${request.uri}?${request.query}`;
  const head = { first: [request.method, target, request.protocol] as const, headers: request.headers };
  return {
    message: newHttpMessage(head, 'to-server'),
    attributes: request.attributes,
    toCome: bodyToCome(request),
    told: false,
  };
};

/** A data packet's chunk joins the body; true when the body is complete (or past its bound) and the request is told. */
export const addRequestBody = (request: AjpRequest, chunk: Uint8Array): boolean => {
  if (chunk.length === 0) return true;
  const past = addBody(request.message, chunk);
  if (typeof request.toCome === 'number') request.toCome -= chunk.length;
  return past || (typeof request.toCome === 'number' && request.toCome <= 0);
};

export const requestEvent = (request: AjpRequest, ts: number): HttpRequestEvent => {
  request.told = true;
  const event = httpEvent(request.message, ts) as HttpRequestEvent;
  event.attributes = request.attributes;
  return event;
};

export const refOf = (request: AjpRequest): HttpRequestRef => requestRef(request.message.head);

export const newAjpResponse = (
  answer: AjpSendHeaders,
  request: HttpRequestRef | undefined,
  version: string,
): HttpMessage =>
  newHttpMessage(
    { first: [version, String(answer.status), answer.message], headers: answer.headers },
    'to-client',
    request,
  );

export const responseEvent = (response: HttpMessage, ts: number): HttpResponseEvent => {
  response.emitted = true;
  return httpEvent(response, ts) as HttpResponseEvent;
};
