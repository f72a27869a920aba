/**
 * What the end of an HTTP/1.x message decides: an answer is paired with its request, frames its body by it (RFC 9112
 * §6.3), and may switch the connection's protocol (RFC 9110 §7.8).
 */
import type { ProtocolEvent } from '../events.ts';
import { emit, type HttpConnectionState } from './http-connection-state.ts';
import { type HttpFraming, hasToken, requestFraming } from './http-framing.ts';
import { type HttpHead, headerValue } from './http-head.ts';
import { answered, type Outstanding, settleInterim } from './http-pairing.ts';
import { type HttpSide, startResync } from './http-side.ts';
import { answerCame } from './http-switch-asked.ts';
import { interimStatus } from './http-unknown-request.ts';

/** After a response completes: CONNECT 2xx opens a tunnel, 101 switches protocols (§7.8 of RFC 9110). */
const afterResponse = (
  conn: HttpConnectionState,
  response: HttpHead,
  request: Outstanding | undefined,
  ts: number,
  out: ProtocolEvent[],
) => {
  const status = Number(response.first[1]) || 0;
  const connected = request?.method === 'CONNECT' && status >= 200 && status < 300;
  const toWebsocket = status === 101 && hasToken(headerValue(response.headers, 'upgrade'), 'websocket');
  if (status === 101 && request?.h2c) conn.switched.toHttp2(ts, out, request.request);
  else if (toWebsocket && request?.websocket) conn.switched.toWebsocket(response, request.request, ts, out);
  else if (status === 101 || connected) conn.switched.toTunnel(ts, out);
};

/**
 * A 101 no request in line asked for (RFC 9110 §7.8: a server switches only to a protocol the request's Upgrade
 * named) switches nothing: a server's 101 made the rest of the connection an unread tunnel. When the request is
 * known it is not answered either (its answer comes next, as after any 1xx). When it is not (after lost octets, or
 * on a connection seen from its middle) it may have asked: each side looks for its next message line by line, which
 * reads no frame of another protocol as HTTP and finds HTTP at once when it goes on.
 */
const unaskedSwitch = (conn: HttpConnectionState): void => {
  if (conn.pairing.outstanding[0] !== undefined) return;
  for (const side of [conn.sides['to-server'], conn.sides['to-client']])
    if (side.mode === 'head') startResync(side);
};

/**
 * The side's message is complete: told, and a final answer pairs its request and may switch protocols; the one to a
 * request that asked to switch decides what the client sent behind it (http-switch-asked.ts).
 */
export const finish = (conn: HttpConnectionState, side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
  emit(side, ts, out);
  const message = side.message;
  side.message = undefined;
  side.mode = side.mode === 'h2' || side.mode === 'tunnel' || side.mode === 'websocket' ? side.mode : 'head';
  if (message?.direction !== 'to-client') return;
  const status = Number(message.head.first[1]) || 0;
  if (!interimStatus(message.head) && conn.pairing.outstanding.length <= 1) conn.switchAsked = false;
  if (status === 101 && conn.pairing.outstanding[0]?.upgrade !== true) unaskedSwitch(conn);
  else if (status < 100 || status >= 200 || status === 101)
    afterResponse(conn, message.head, answered(conn.pairing), ts, out);
  if (!conn.switchAsked) answerCame(conn, out);
};

/** §6.3 rules for responses: HEAD, 1xx, 204, 304 and CONNECT 2xx have no body. */
export const responseFraming = (conn: HttpConnectionState, head: HttpHead): HttpFraming | undefined => {
  const status = Number(head.first[1]) || 0;
  const request = conn.pairing.outstanding[0];
  const bodiless =
    request?.method === 'HEAD' ||
    (status >= 100 && status < 200) ||
    status === 204 ||
    status === 304 ||
    (request?.method === 'CONNECT' && status >= 200 && status < 300);
  if (bodiless) return { mode: 'head', length: 0 };
  const found = requestFraming(head);
  if (found?.mode === 'head' && headerValue(head.headers, 'content-length') === undefined) {
    return { mode: 'until-close', length: 0 };
  }
  return found;
};

/** The request an answer's head answers, when known; a final one settles a loss that cut an interim answer. */
export const answering = (conn: HttpConnectionState, head: HttpHead): Outstanding | undefined => {
  if (!interimStatus(head)) settleInterim(conn.pairing);
  return conn.pairing.outstanding[0];
};
