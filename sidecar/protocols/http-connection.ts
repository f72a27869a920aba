/**
 * One HTTP/1.x connection: pipelined requests and responses, bodies, CONNECT tunnels (TLS hellos read), h2c upgrades
 * and WebSocket upgrades (messages read).
 */
import type { Direction, HttpRequestRef, ProtocolEvent } from '../events.ts';
import { type ChunkedState, decodeChunked } from './http-chunked.ts';
import { detectRequestLine, detectStatusLine } from './http-detect.ts';
import { type HttpFraming, hasToken, requestFraming } from './http-framing.ts';
import { type HttpHead, headerValue, maxHeadLength, parseHttpHead } from './http-head.ts';
import { addBody, type HttpMessage, httpEvent, newHttpMessage, requestRef } from './http-message.ts';
import { createWebsocketReader, type WebsocketReader, websocketDeflate } from './http-websocket.ts';
import { createHttp2Session, type Http2Session, http2Preface } from './http2-session.ts';
import { createTlsStream, type TlsStream } from './tls-stream.ts';

type Mode =
  | 'head'
  | 'length'
  | 'chunked'
  | 'until-close'
  | 'resync'
  | 'tunnel'
  | 'h2'
  | 'websocket'
  | 'stopped';

type Side = {
  direction: Direction;
  pending: Uint8Array;
  mode: Mode;
  remaining: number;
  chunked: ChunkedState;
  message: HttpMessage | undefined;
};

/** What the response side needs to know about each outstanding request (RFC 9112 §6.3), and what its answer names. */
type Outstanding = { method: string; h2c: boolean; websocket: boolean; request: HttpRequestRef };
const maxOutstanding = 64;

export type HttpConnection = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  gap(direction: Direction): void;
};

const crlf = Uint8Array.of(0x0d, 0x0a);

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const newSide = (direction: Direction): Side => ({
  direction,
  pending: new Uint8Array(0),
  mode: 'head',
  remaining: 0,
  chunked: { phase: 'size', remaining: 0 },
  message: undefined,
});

/**
 * After lost bytes: the offset of the next line that starts a request (or status line), or where to keep
 * waiting from. `pending` starts with a virtual line feed so the first line is a candidate too.
 */
const resync = (side: Side): { at: number; found: boolean } => {
  const detect = side.direction === 'to-server' ? detectRequestLine : detectStatusLine;
  for (let at = side.pending.indexOf(0x0a); at >= 0; at = side.pending.indexOf(0x0a, at + 1)) {
    const verdict = detect(side.pending.subarray(at + 1));
    if (verdict === 'match') return { at: at + 1, found: true };
    if (verdict === 'need-more') return { at, found: false };
  }
  return { at: Math.max(0, side.pending.length - 1), found: false };
};

export const createHttpConnection = (): HttpConnection => {
  const sides = { 'to-server': newSide('to-server'), 'to-client': newSide('to-client') } as const;
  const outstanding: Outstanding[] = [];
  /**
   * Requests past the bound, not remembered, in line behind those that are: their answers come after the remembered
   * ones' and name no request, and every request until they are answered joins them (remembering a later one in
   * their place would pair each answer after with the next request).
   */
  let unremembered = 0;
  /**
   * Bytes were lost with requests or answers in line (a gap, `afterGap`): how many is never learnt, so once the
   * requests still remembered are answered no answer names a request again on this connection, and none is remembered.
   */
  let unpaired = false;
  let session: Http2Session | undefined;
  /** Inside a CONNECT tunnel, TLS is read for its hellos (SNI, ALPN); anything else stops at its first byte. */
  let tunnel: TlsStream | undefined;
  /** After a WebSocket upgrade: one frame reader per direction. */
  let websocket: Record<Direction, WebsocketReader> | undefined;

  const emit = (side: Side, ts: number, out: ProtocolEvent[]): void => {
    const message = side.message;
    if (message === undefined || message.emitted) return;
    message.emitted = true;
    out.push(httpEvent(message, ts));
  };

  /**
   * Switches both directions to HTTP/2 (RFC 7540 §3.2), handing over what each has buffered; `upgraded`, the request
   * that asked for h2c, is answered on stream 1.
   */
  const upgrade = (ts: number, out: ProtocolEvent[], upgraded?: HttpRequestRef): void => {
    session ??= createHttp2Session(upgraded);
    for (const side of [sides['to-server'], sides['to-client']]) {
      side.mode = 'h2';
      const rest = side.pending;
      side.pending = new Uint8Array(0);
      if (rest.length > 0) session.feed(rest, side.direction, ts, out);
    }
  };

  /** Both directions become a tunnel; a CONNECT tunnel reads TLS from what each side has buffered. */
  const openTunnel = (readTls: boolean, ts: number, out: ProtocolEvent[]): void => {
    if (readTls) tunnel = createTlsStream();
    for (const side of [sides['to-server'], sides['to-client']]) {
      side.mode = 'tunnel';
      const rest = side.pending;
      side.pending = new Uint8Array(0);
      if (tunnel && rest.length > 0) out.push(...tunnel.parse(rest, side.direction, ts));
    }
  };

  /**
   * Both directions read WebSocket frames (RFC 6455 §4), with permessage-deflate when the server agreed to it; each
   * message names the upgrade request's forwarding headers (ADR 31).
   */
  const openWebsocket = (
    response: HttpHead,
    request: HttpRequestRef,
    ts: number,
    out: ProtocolEvent[],
  ): void => {
    const agreed = websocketDeflate(headerValue(response.headers, 'sec-websocket-extensions'));
    const forwarding = request.forwarding.length > 0 ? request.forwarding : undefined;
    websocket = {
      'to-server': createWebsocketReader('to-server', agreed.client, forwarding),
      'to-client': createWebsocketReader('to-client', agreed.server, forwarding),
    };
    for (const side of [sides['to-server'], sides['to-client']]) {
      side.mode = 'websocket';
      const rest = side.pending;
      side.pending = new Uint8Array(0);
      if (rest.length > 0) out.push(...websocket[side.direction].read(rest, ts));
    }
  };

  /** After a response completes: CONNECT 2xx opens a tunnel, 101 switches protocols (§7.8 of RFC 9110). */
  const afterResponse = (
    response: HttpHead,
    request: Outstanding | undefined,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    const status = Number(response.first[1]) || 0;
    const connected = request?.method === 'CONNECT' && status >= 200 && status < 300;
    const switched = status === 101 && hasToken(headerValue(response.headers, 'upgrade'), 'websocket');
    if (status === 101 && request?.h2c) upgrade(ts, out, request.request);
    else if (switched && request?.websocket) openWebsocket(response, request.request, ts, out);
    else if (status === 101 || connected) openTunnel(connected, ts, out);
  };

  const finish = (side: Side, ts: number, out: ProtocolEvent[]): void => {
    emit(side, ts, out);
    const message = side.message;
    side.message = undefined;
    side.mode =
      side.mode === 'h2' || side.mode === 'tunnel' || side.mode === 'websocket' ? side.mode : 'head';
    if (message?.direction !== 'to-client') return;
    const status = Number(message.head.first[1]) || 0;
    if (status >= 100 && status < 200 && status !== 101) return;
    const answered = outstanding.shift();
    if (answered === undefined && unremembered > 0) unremembered--;
    afterResponse(message.head, answered, ts, out);
  };

  /** §6.3 rules for responses: HEAD, 1xx, 204, 304 and CONNECT 2xx have no body. */
  const responseFraming = (head: HttpHead): HttpFraming | undefined => {
    const status = Number(head.first[1]) || 0;
    const request = outstanding[0];
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

  /** Keeps a request for its answer, or counts it among those in line not remembered. */
  const remember = (head: HttpHead): void => {
    if (unpaired) return;
    if (outstanding.length >= maxOutstanding || unremembered > 0) {
      unremembered++;
      return;
    }
    const upgradeTo = headerValue(head.headers, 'upgrade');
    outstanding.push({
      method: head.first[0],
      h2c: hasToken(upgradeTo, 'h2c'),
      websocket: hasToken(upgradeTo, 'websocket'),
      request: requestRef(head),
    });
  };

  const onHead = (side: Side, head: HttpHead, ts: number, out: ProtocolEvent[]): void => {
    const isRequest = side.direction === 'to-server';
    side.message = newHttpMessage(head, side.direction, isRequest ? undefined : outstanding[0]?.request);
    if (isRequest) remember(head);
    const found = isRequest ? requestFraming(head) : responseFraming(head);
    if (found === undefined) {
      side.mode = 'stopped';
      return;
    }
    side.mode = found.mode;
    side.remaining = found.length;
    side.chunked = { phase: 'size', remaining: 0 };
    if (found.mode === 'head') finish(side, ts, out);
  };

  /** A client that switches to HTTP/2 sends the connection preface (RFC 9113 §3.4). */
  const startsPreface = (side: Side): boolean | undefined => {
    const prefix = side.pending.subarray(0, Math.min(side.pending.length, http2Preface.length));
    if (side.direction !== 'to-server' || side.pending[0] !== 0x50) return false;
    if (Buffer.compare(prefix, http2Preface.subarray(0, prefix.length)) !== 0) return false;
    return prefix.length === http2Preface.length ? true : undefined;
  };

  /**
   * A head past the 64 KiB we hold (Go reads heads up to 1 MiB, so a server may take it): what its first 64 KiB hold
   * is told as a message, its body unread, and reading goes on at the next message, as after lost bytes. Stopping
   * here let one oversized header hide every later request on the connection (ADR 30).
   */
  const cutHead = (side: Side, ts: number, out: ProtocolEvent[]): void => {
    const lastLine = side.pending.subarray(0, maxHeadLength).lastIndexOf(0x0a);
    const kept =
      lastLine > 0 ? parseHttpHead(concat(side.pending.subarray(0, lastLine + 1), crlf)) : 'malformed';
    if (typeof kept === 'object') {
      const isRequest = side.direction === 'to-server';
      side.message = newHttpMessage(
        kept.head,
        side.direction,
        isRequest ? undefined : outstanding[0]?.request,
      );
      side.message.truncated = true;
      emit(side, ts, out);
    }
    afterGap(side);
    side.message = undefined;
    // From the line after the last whole one; with no line end in 64 KiB (one line that long), past all of it: each
    // cut consumes octets, so a line that never ends cannot loop.
    side.pending =
      lastLine > 0
        ? concat(Uint8Array.of(0x0a), side.pending.subarray(lastLine + 1))
        : side.pending.subarray(maxHeadLength);
    side.mode = 'resync';
  };

  const stepHead = (side: Side, ts: number, out: ProtocolEvent[]): boolean => {
    const preface = startsPreface(side);
    if (preface !== false) {
      if (preface) upgrade(ts, out);
      return preface === true;
    }
    const result = parseHttpHead(side.pending);
    if (result === 'incomplete') return false;
    if (result === 'malformed' && side.pending.length >= maxHeadLength) {
      cutHead(side, ts, out);
      return true;
    }
    if (result === 'malformed') {
      side.mode = 'stopped';
      return false;
    }
    side.pending = side.pending.subarray(result.length);
    onHead(side, result.head, ts, out);
    return true;
  };

  const stepChunked = (side: Side, message: HttpMessage, ts: number, out: ProtocolEvent[]): boolean => {
    const result = decodeChunked(side.chunked, side.pending);
    side.pending = side.pending.subarray(result.consumed);
    for (const data of result.data) if (addBody(message, data)) emit(side, ts, out);
    if (result.malformed) side.mode = 'stopped';
    else if (side.chunked.phase === 'done') finish(side, ts, out);
    return result.consumed > 0 || side.mode !== 'chunked';
  };

  const stepBody = (side: Side, ts: number, out: ProtocolEvent[]): boolean => {
    const message = side.message;
    if (message === undefined) return false;
    if (side.mode === 'chunked') return stepChunked(side, message, ts, out);
    const take = side.mode === 'length' ? Math.min(side.remaining, side.pending.length) : side.pending.length;
    const data = side.pending.subarray(0, take);
    side.pending = side.pending.subarray(take);
    if (addBody(message, data)) emit(side, ts, out);
    side.remaining -= take;
    if (side.mode === 'length' && side.remaining === 0) finish(side, ts, out);
    return take > 0;
  };

  /**
   * What lost bytes leave of the pairing of answers with requests (RFC 9112 §9.3.2: answers come in the order asked;
   * none says which request it answers). Lost client bytes may hold any number of requests, answered after those
   * remembered: after them, answers cannot be paired. Lost server bytes may hold answers to any of the requests in
   * line, so those cannot either; except with none in line, when they held none (nothing is answered before it is
   * asked), and when the one request in line was being answered: its answer ends in them or in what resync skips,
   * and no other answer can be among them, so the next answer is the next request's (a proxy's pooled connection, one
   * request at a time, losing bytes of a long answer).
   */
  const afterGap = (side: Side): void => {
    if (side.direction === 'to-server') {
      unpaired = true;
      return;
    }
    const inLine = outstanding.length + unremembered;
    if (inLine === 0) return;
    if (inLine === 1 && side.message !== undefined) {
      if (outstanding.shift() === undefined) unremembered--;
      return;
    }
    outstanding.length = 0;
    unremembered = 0;
    unpaired = true;
  };

  const stepResync = (side: Side): boolean => {
    const found = resync(side);
    side.pending = side.pending.subarray(found.at);
    if (found.found) side.mode = 'head';
    return found.found;
  };

  const step = (side: Side, ts: number, out: ProtocolEvent[]): boolean => {
    if (side.mode === 'head') return stepHead(side, ts, out);
    if (side.mode === 'resync') return stepResync(side);
    if (side.mode === 'length' || side.mode === 'chunked' || side.mode === 'until-close') {
      return stepBody(side, ts, out);
    }
    return false;
  };

  const run = (side: Side, ts: number, out: ProtocolEvent[]): void => {
    // Every step consumes bytes or changes mode.
    for (let guard = 0; guard < 1_000_000 && side.pending.length > 0; guard += 1) {
      if (!step(side, ts, out)) break;
    }
    if (side.mode === 'until-close') emit(side, ts, out);
    const stop =
      side.mode === 'stopped' ||
      side.mode === 'tunnel' ||
      side.mode === 'websocket' ||
      side.pending.length > maxHeadLength;
    side.pending = stop ? new Uint8Array(0) : side.pending.slice();
  };

  return {
    parse(chunk, direction, ts) {
      const out: ProtocolEvent[] = [];
      const side = sides[direction];
      if (side.mode === 'h2') session?.feed(chunk, direction, ts, out);
      if (side.mode === 'tunnel' && tunnel) out.push(...tunnel.parse(chunk, direction, ts));
      if (side.mode === 'websocket' && websocket) out.push(...websocket[direction].read(chunk, ts));
      if (
        side.mode === 'h2' ||
        side.mode === 'tunnel' ||
        side.mode === 'websocket' ||
        side.mode === 'stopped'
      )
        return out;
      side.pending = concat(side.pending, chunk);
      run(side, ts, out);
      return out;
    },
    gap(direction) {
      const side = sides[direction];
      if (side.mode === 'h2') session?.gap(direction);
      if (side.mode === 'tunnel') tunnel?.gap(direction);
      // Frames cannot be found again after lost octets: that direction stops.
      if (side.mode === 'websocket') side.mode = 'stopped';
      if (side.mode === 'h2' || side.mode === 'tunnel' || side.mode === 'stopped') return;
      afterGap(side);
      side.message = undefined;
      side.pending = Uint8Array.of(0x0a);
      side.mode = 'resync';
    },
  };
};
