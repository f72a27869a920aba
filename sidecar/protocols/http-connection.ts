/**
 * One HTTP/1.x connection: pipelined requests and responses, bodies, CONNECT tunnels (what they carry read), h2c upgrades
 * and WebSocket upgrades (messages read).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { decodeChunked } from './http-chunked.ts';
import { detectStatusLine } from './http-detect.ts';
import { type HttpFraming, hasToken, requestFraming } from './http-framing.ts';
import { type HttpHead, headerValue, maxHeadLength, parseHttpHead } from './http-head.ts';
import { addBody, type HttpMessage, httpEvent, newHttpMessage } from './http-message.ts';
import {
  afterInterimLoss,
  afterLoss,
  answered,
  newHttpPairing,
  type Outstanding,
  remember,
  settleInterim,
} from './http-pairing.ts';
import {
  type BodyMode,
  concat,
  findStart,
  firstLine,
  type HttpSide,
  interimHead,
  leadingLineEnds,
  newHttpSide,
  skipInFrame,
  startResync,
} from './http-side.ts';
import { createHttpSwitched } from './http-switched.ts';
import { hasBody, interimStatus, lastAnswer } from './http-unknown-request.ts';
import { http2Preface } from './http2-session.ts';
import type { ParserContext } from './protocol.ts';
import { parserContext } from './tunnel-protocols.ts';

export type HttpConnection = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  gap(direction: Direction, lost?: number): ProtocolEvent[];
  end(): ProtocolEvent[];
};

const crlf = Uint8Array.of(0x0d, 0x0a);

/** `context`: how deep in tunnels the connection is, and what its tunnel may carry (see Protocol.createParser). */
export const createHttpConnection = (context?: ParserContext): HttpConnection => {
  const sides = { 'to-server': newHttpSide('to-server'), 'to-client': newHttpSide('to-client') } as const;
  const pairing = newHttpPairing();
  const switched = createHttpSwitched(sides, parserContext(context));
  /** The connection closed: what is held is all there will be. */
  let ending = false;
  /**
   * A request asked to switch protocols (CONNECT, Upgrade) and an answer is awaited: what the client sends behind it
   * may be the new protocol's (a client need not wait for the answer), so it is held as it is until the answer comes.
   */
  let switchAsked = false;

  const emit = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
    const message = side.message;
    if (message === undefined || message.emitted) return;
    message.emitted = true;
    out.push(httpEvent(message, ts));
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
    const toWebsocket = status === 101 && hasToken(headerValue(response.headers, 'upgrade'), 'websocket');
    if (status === 101 && request?.h2c) switched.toHttp2(ts, out, request.request);
    else if (toWebsocket && request?.websocket) switched.toWebsocket(response, request.request, ts, out);
    else if (status === 101 || connected) switched.toTunnel(ts, out);
  };

  /**
   * A 101 no request in line asked for (RFC 9110 §7.8: a server switches only to a protocol the request's Upgrade
   * named) switches nothing: a server's 101 made the rest of the connection an unread tunnel. When the request is
   * known it is not answered either (its answer comes next, as after any 1xx). When it is not (after lost octets, or
   * on a connection seen from its middle) it may have asked: each side looks for its next message line by line, which
   * reads no frame of another protocol as HTTP and finds HTTP at once when it goes on.
   */
  const unaskedSwitch = (): void => {
    if (pairing.outstanding[0] !== undefined) return;
    for (const side of [sides['to-server'], sides['to-client']]) if (side.mode === 'head') startResync(side);
  };

  const finish = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
    emit(side, ts, out);
    const message = side.message;
    side.message = undefined;
    side.mode =
      side.mode === 'h2' || side.mode === 'tunnel' || side.mode === 'websocket' ? side.mode : 'head';
    if (message?.direction !== 'to-client') return;
    const status = Number(message.head.first[1]) || 0;
    if (!interimStatus(message.head) && pairing.outstanding.length <= 1) switchAsked = false;
    if (status === 101 && pairing.outstanding[0]?.upgrade !== true) unaskedSwitch();
    else if (status < 100 || status >= 200 || status === 101)
      afterResponse(message.head, answered(pairing), ts, out);
  };

  /** §6.3 rules for responses: HEAD, 1xx, 204, 304 and CONNECT 2xx have no body. */
  const responseFraming = (head: HttpHead): HttpFraming | undefined => {
    const status = Number(head.first[1]) || 0;
    const request = pairing.outstanding[0];
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

  /** A request is read: kept for its answer, and whether it asked to switch protocols. */
  const asked = (head: HttpHead): void => {
    remember(pairing, head);
    switchAsked = head.first[0] === 'CONNECT' || (headerValue(head.headers, 'upgrade') ?? '').trim() !== '';
  };

  /** The request an answer's head answers, when known; a final one settles a loss that cut an interim answer. */
  const answering = (head: HttpHead): Outstanding | undefined => {
    if (!interimStatus(head)) settleInterim(pairing);
    return pairing.outstanding[0];
  };

  const onHead = (side: HttpSide, head: HttpHead, ts: number, out: ProtocolEvent[]): void => {
    const isRequest = side.direction === 'to-server';
    const request = isRequest ? undefined : answering(head);
    side.message = newHttpMessage(head, side.direction, request?.request);
    if (isRequest) asked(head);
    const found = isRequest ? requestFraming(head) : responseFraming(head);
    if (found === undefined) {
      side.mode = 'stopped';
      return;
    }
    side.mode = found.mode;
    side.remaining = found.length;
    side.chunked = { phase: 'size', remaining: 0 };
    if (found.mode === 'head') finish(side, ts, out);
    else if (!isRequest && request === undefined && !lastAnswer(head)) {
      side.declared = found.mode as BodyMode;
      side.mode = 'probe';
    }
  };

  /**
   * The body a response declared when its request is not known: a response to HEAD declares the body it would have
   * had (RFC 9110 §9.3.2) and sends none, and read as a body it swallowed the answers after it. A status line where
   * the body would start may be the next answer, so this one had none, or the start of a body (a download its sender
   * chose, which could then make the tap read its own answers in it). Which, `hasBody` decides.
   */
  const stepProbe = (side: HttpSide, ts: number, out: ProtocolEvent[]): boolean => {
    const verdict = detectStatusLine(side.pending);
    if (verdict === 'need-more' && !ending) return false;
    const body = verdict === 'match' ? hasBody(side, ending) : true;
    if (body === undefined) return false;
    if (body) side.mode = side.declared;
    else finish(side, ts, out);
    return true;
  };

  /** A client that switches to HTTP/2 sends the connection preface (RFC 9113 §3.4). */
  const startsPreface = (side: HttpSide): boolean | undefined => {
    const prefix = side.pending.subarray(0, Math.min(side.pending.length, http2Preface.length));
    if (side.direction !== 'to-server' || side.pending[0] !== 0x50) return false;
    if (Buffer.compare(prefix, http2Preface.subarray(0, prefix.length)) !== 0) return false;
    return prefix.length === http2Preface.length ? true : undefined;
  };

  /** A cut head's whole lines, told as a message whose body is unread (none when no line is whole). */
  const tellCutHead = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
    const lastLine = side.pending.subarray(0, maxHeadLength).lastIndexOf(0x0a);
    // Read with the line end put after them: with lines to the 64 KiB's last octet, it fell past the bound, and
    // nothing was told.
    const kept =
      lastLine > 0
        ? parseHttpHead(concat(side.pending.subarray(0, lastLine + 1), crlf), maxHeadLength + crlf.length)
        : 'malformed';
    if (typeof kept !== 'object') return;
    const request = side.direction === 'to-server' ? undefined : pairing.outstanding[0]?.request;
    side.message = newHttpMessage(kept.head, side.direction, request);
    side.message.truncated = true;
    emit(side, ts, out);
  };

  /**
   * A head past the 64 KiB we hold (Go reads heads up to 1 MiB, so a server may take it): what its first 64 KiB hold
   * is told as a message, its body unread, and reading goes on at the next message, as after lost bytes. Stopping
   * here let one oversized header hide every later request on the connection (ADR 30).
   */
  const cutHead = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
    // `stepHead` read the first line when it ended; one that does not end in 64 KiB is no start line either.
    if (firstLine(side) !== 'match') {
      outOfFrame(side);
      if (side.pending.indexOf(0x0a) < 0) side.pending = side.pending.subarray(maxHeadLength);
      return;
    }
    const lastLine = side.pending.subarray(0, maxHeadLength).lastIndexOf(0x0a);
    const interim = interimHead(side);
    tellCutHead(side, ts, out);
    afterCut(side, interim);
    side.message = undefined;
    // From the line after the last whole one; with no line end in 64 KiB (one line that long), past all of it: each
    // cut consumes octets, so a line that never ends cannot loop.
    side.pending = side.pending.subarray(lastLine > 0 ? lastLine + 1 : maxHeadLength);
    startResync(side, lastLine > 0);
  };

  /**
   * Before a head, line ends are skipped (RFC 9112 §2.2) and octets that start no message read past (`outOfFrame`);
   * true when either was. Not what a client sends after asking to switch protocols: it may be the new protocol's.
   */
  const beforeHead = (side: HttpSide): boolean => {
    if (side.direction === 'to-server' && switchAsked) return false;
    const ends = leadingLineEnds(side.pending);
    if (ends > 0) side.pending = side.pending.subarray(ends);
    else if (firstLine(side) === 'no-match') outOfFrame(side);
    else return false;
    return true;
  };

  const stepHead = (side: HttpSide, ts: number, out: ProtocolEvent[]): boolean => {
    const preface = startsPreface(side);
    if (preface !== false) {
      if (preface) switched.toHttp2(ts, out);
      return preface === true;
    }
    if (beforeHead(side)) return true;
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

  /** Body octets kept for the message until it is told; a message told (cut by lost octets) keeps no more. */
  const keep = (side: HttpSide, message: HttpMessage, data: Uint8Array, ts: number, out: ProtocolEvent[]) => {
    if (!message.emitted && addBody(message, data)) emit(side, ts, out);
  };

  const stepChunked = (side: HttpSide, message: HttpMessage, ts: number, out: ProtocolEvent[]): boolean => {
    const result = decodeChunked(side.chunked, side.pending);
    side.pending = side.pending.subarray(result.consumed);
    for (const data of result.data) keep(side, message, data, ts, out);
    if (result.malformed) side.mode = 'stopped';
    else if (side.chunked.phase === 'done') finish(side, ts, out);
    return result.consumed > 0 || side.mode !== 'chunked';
  };

  const stepBody = (side: HttpSide, ts: number, out: ProtocolEvent[]): boolean => {
    const message = side.message;
    if (message === undefined) return false;
    if (side.mode === 'chunked') return stepChunked(side, message, ts, out);
    const take = side.mode === 'length' ? Math.min(side.remaining, side.pending.length) : side.pending.length;
    keep(side, message, side.pending.subarray(0, take), ts, out);
    side.pending = side.pending.subarray(take);
    side.remaining -= take;
    if (side.mode === 'length' && side.remaining === 0) finish(side, ts, out);
    return take > 0;
  };

  const stepResync = (side: HttpSide): boolean => {
    const found = findStart(side);
    side.pending = side.pending.subarray(found.at);
    if (found.found) side.mode = 'head';
    return found.found;
  };

  const step = (side: HttpSide, ts: number, out: ProtocolEvent[]): boolean => {
    if (side.mode === 'head') return stepHead(side, ts, out);
    if (side.mode === 'resync') return stepResync(side);
    if (side.mode === 'probe') return stepProbe(side, ts, out);
    if (side.mode === 'length' || side.mode === 'chunked' || side.mode === 'until-close') {
      return stepBody(side, ts, out);
    }
    return false;
  };

  const run = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
    // Every step consumes bytes or changes mode.
    for (let guard = 0; guard < 1_000_000 && side.pending.length > 0; guard += 1) {
      if (!step(side, ts, out)) break;
    }
    const stop =
      side.mode === 'stopped' ||
      side.mode === 'tunnel' ||
      side.mode === 'websocket' ||
      side.pending.length > maxHeadLength;
    side.pending = stop ? new Uint8Array(0) : side.pending.slice();
  };

  /**
   * What the side holds starts with no request (or status) line: a body longer than its framing said, or octets of
   * something else. Read as a head, it stopped the side for good, or made a message of any line with a space in it.
   * How many messages the octets held is not known (as after a loss), and the side looks for its next start line.
   */
  const outOfFrame = (side: HttpSide): void => {
    afterLoss(pairing, side.direction, false);
    startResync(side, false);
  };

  /**
   * What the pairing keeps after octets the side reads past: an interim answer's head they cut leaves its request in
   * line for its final answer; any other message (`reading`) or octets are a loss as `afterLoss` says.
   */
  const afterCut = (side: HttpSide, interim: boolean): void => {
    if (interim) afterInterimLoss(pairing);
    else afterLoss(pairing, side.direction, side.message !== undefined);
  };

  /** What lost octets cut is told with what was seen: a message's head and the body kept, or a head's whole lines. */
  const tellCut = (side: HttpSide, out: ProtocolEvent[]): void => {
    if (side.message !== undefined) {
      side.message.truncated = true;
      emit(side, side.ts, out);
    } else if (side.mode === 'head' && firstLine(side) === 'match') tellCutHead(side, side.ts, out);
  };

  return {
    parse(chunk, direction, ts) {
      const out: ProtocolEvent[] = [];
      const side = sides[direction];
      side.ts = ts;
      if (switched.read(side, chunk, ts, out)) return out;
      side.pending = concat(side.pending, chunk);
      run(side, ts, out);
      return out;
    },
    gap(direction, lost) {
      const out: ProtocolEvent[] = [];
      const side = sides[direction];
      // None lost to the receiver (the hole held only an urgent octet), or a side not reading HTTP/1.
      if (lost === 0 || switched.gap(side, lost, out)) return out;
      const interim = interimHead(side);
      tellCut(side, out);
      if (skipInFrame(side, lost)) {
        // The body's end was lost with it: the next octets start the next message.
        if (side.mode === 'length' && side.remaining === 0) finish(side, side.ts, out);
        return out;
      }
      afterCut(side, interim);
      side.message = undefined;
      side.pending = new Uint8Array(0);
      startResync(side);
      return out;
    },
    end() {
      const out = [...switched.end()];
      // The connection closed: a body read until the close ends there; any other message held was cut by it. An answer
      // whose body was in doubt is decided with what is held, and what follows it read.
      ending = true;
      for (const side of [sides['to-server'], sides['to-client']]) {
        if (side.mode === 'probe' && stepProbe(side, side.ts, out)) run(side, side.ts, out);
        if (side.message === undefined || side.message.emitted) continue;
        if (side.mode !== 'until-close') side.message.truncated = true;
        emit(side, side.ts, out);
      }
      return out;
    },
  };
};
