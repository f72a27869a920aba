/**
 * Reading an HTTP/1.x head where a side's message starts: the line ends before it skipped, octets that start no message
 * read past, an HTTP/2 preface found, the head parsed and its message framed (RFC 9112 §2–§6).
 */
import type { ProtocolEvent } from '../events.ts';
import { answering, finish, responseFraming } from './http-answer.ts';
import type { HttpConnectionState } from './http-connection-state.ts';
import { cutHead, outOfFrame } from './http-cut.ts';
import { requestFraming } from './http-framing.ts';
import { type HttpHead, headerValue, maxHeadLength, parseHttpHead } from './http-head.ts';
import { newHttpMessage } from './http-message.ts';
import { remember } from './http-pairing.ts';
import { type BodyMode, firstLine, type HttpSide, leadingLineEnds } from './http-side.ts';
import { holdingForAnswer } from './http-switch-asked.ts';
import { lastAnswer } from './http-unknown-request.ts';
import { http2Preface } from './http2-session.ts';

/** A request is read: kept for its answer, and whether it asked to switch protocols. */
const asked = (conn: HttpConnectionState, head: HttpHead): void => {
  remember(conn.pairing, head);
  conn.switchAsked =
    head.first[0] === 'CONNECT' || (headerValue(head.headers, 'upgrade') ?? '').trim() !== '';
};

const onHead = (
  conn: HttpConnectionState,
  side: HttpSide,
  head: HttpHead,
  ts: number,
  out: ProtocolEvent[],
) => {
  const isRequest = side.direction === 'to-server';
  const request = isRequest ? undefined : answering(conn, head);
  side.message = newHttpMessage(head, side.direction, request?.request);
  if (isRequest) asked(conn, head);
  const found = isRequest ? requestFraming(head) : responseFraming(conn, head);
  if (found === undefined) {
    side.mode = 'stopped';
    return;
  }
  side.mode = found.mode;
  side.remaining = found.length;
  side.chunked = { phase: 'size', remaining: 0 };
  if (found.mode === 'head') finish(conn, side, ts, out);
  else if (!isRequest && request === undefined && !lastAnswer(head)) {
    side.declared = found.mode as BodyMode;
    side.mode = 'probe';
  }
};

/** A client that switches to HTTP/2 sends the connection preface (RFC 9113 §3.4). */
const startsPreface = (side: HttpSide): boolean | undefined => {
  const prefix = side.pending.subarray(0, Math.min(side.pending.length, http2Preface.length));
  if (side.direction !== 'to-server' || side.pending[0] !== 0x50) return false;
  if (Buffer.compare(prefix, http2Preface.subarray(0, prefix.length)) !== 0) return false;
  return prefix.length === http2Preface.length ? true : undefined;
};

/**
 * Before a head, line ends are skipped (RFC 9112 §2.2) and octets that start no message read past (`outOfFrame`);
 * true when either was.
 */
const beforeHead = (conn: HttpConnectionState, side: HttpSide): boolean => {
  const ends = leadingLineEnds(side.pending);
  if (ends > 0) side.pending = side.pending.subarray(ends);
  else if (firstLine(side) === 'no-match') outOfFrame(conn, side);
  else return false;
  return true;
};

/**
 * One step where a head starts: false when it waits for more octets (or stopped), or for the answer to a request that
 * asked to switch protocols (what the client sent behind it is held: http-switch-asked.ts).
 */
export const stepHead = (
  conn: HttpConnectionState,
  side: HttpSide,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  if (holdingForAnswer(conn, side)) return false;
  const preface = startsPreface(side);
  if (preface !== false) {
    if (preface) conn.switched.toHttp2(ts, out);
    return preface === true;
  }
  if (beforeHead(conn, side)) return true;
  const result = parseHttpHead(side.pending);
  if (result === 'incomplete') return false;
  if (result === 'malformed' && side.pending.length >= maxHeadLength) {
    cutHead(conn, side, ts, out);
    return true;
  }
  if (result === 'malformed') {
    side.mode = 'stopped';
    return false;
  }
  side.pending = side.pending.subarray(result.length);
  onHead(conn, side, result.head, ts, out);
  return true;
};
