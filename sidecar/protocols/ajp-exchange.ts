/**
 * One AJP13 request and its answer as HTTP messages (http-message.ts), so the web detectors read a request forwarded
 * over AJP as they read one sent over HTTP: the request's head from its FORWARD_REQUEST (its query from the
 * `query_string` attribute), its body from the proxy's data packets, bounded as HTTP/1's; the answer's from
 * SEND_HEADERS and the body chunks, told at END_RESPONSE.
 */
import { isIP } from 'node:net';
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
  /** The client the proxy names (ADR 52), as a forwarding hop; absent when `remote_addr` was empty. */
  remoteAddr: string | undefined;
  toCome: BodyToCome;
  told: boolean;
};

/** How much body follows a request: its Content-Length, or until an empty packet when it is sent chunked. */
const bodyToCome = (request: AjpForwardRequest): BodyToCome => {
  const length = headerValue(request.headers, 'content-length');
  if (length !== undefined) return /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : 0;
  return headerValue(request.headers, 'transfer-encoding') === undefined ? 0 : 'open';
};

/**
 * `remote_addr` as a forwarding hop, with the port mod_proxy_ajp and mod_jk send as the `AJP_REMOTE_PORT` request
 * attribute when it is one (`192.0.2.1:35718`, `[2001:db8::1]:35718`); what is not an address is kept as sent, and
 * names nobody (ajp-remote-client.ts).
 */
const remoteHop = (request: AjpForwardRequest): string | undefined => {
  const addr = request.remoteAddr.trim();
  if (addr === '') return undefined;
  const port = request.attributes.find((a) => a[0] === 'AJP_REMOTE_PORT')?.[1] ?? '';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535 || isIP(addr) === 0) return addr.slice(0, 128);
  return isIP(addr) === 6 ? `[${addr}]:${Number(port)}` : `${addr}:${Number(port)}`;
};

export const newAjpRequest = (request: AjpForwardRequest): AjpRequest => {
  const target = request.query === '' ? request.uri : `${request.uri}?${request.query}`;
  const head = { first: [request.method, target, request.protocol] as const, headers: request.headers };
  return {
    message: newHttpMessage(head, 'to-server'),
    attributes: request.attributes,
    remoteAddr: remoteHop(request),
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
  if (request.remoteAddr !== undefined) event.remoteAddr = request.remoteAddr;
  return event;
};

export const refOf = (request: AjpRequest): HttpRequestRef => {
  const ref = requestRef(request.message.head);
  if (request.remoteAddr !== undefined) ref.remoteAddr = request.remoteAddr;
  return ref;
};

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
