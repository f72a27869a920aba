/**
 * Reading an HTTP/1.x body as its head framed it (a length, chunks, or until the close; RFC 9112 §6–§7), and deciding
 * whether an answer to an unknown request has the body it declared.
 */
import type { ProtocolEvent } from '../events.ts';
import { finish } from './http-answer.ts';
import { decodeChunked } from './http-chunked.ts';
import { emit, type HttpConnectionState } from './http-connection-state.ts';
import { detectStatusLine } from './http-detect.ts';
import { addBody, type HttpMessage } from './http-message.ts';
import type { HttpSide } from './http-side.ts';
import { hasBody } from './http-unknown-request.ts';

/** Body octets kept for the message until it is told; a message told (cut by lost octets) keeps no more. */
const keep = (side: HttpSide, message: HttpMessage, data: Uint8Array, ts: number, out: ProtocolEvent[]) => {
  if (!message.emitted && addBody(message, data)) emit(side, ts, out);
};

const stepChunked = (
  conn: HttpConnectionState,
  side: HttpSide,
  message: HttpMessage,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  const result = decodeChunked(side.chunked, side.pending);
  side.pending = side.pending.subarray(result.consumed);
  for (const data of result.data) keep(side, message, data, ts, out);
  if (result.malformed) side.mode = 'stopped';
  else if (side.chunked.phase === 'done') finish(conn, side, ts, out);
  return result.consumed > 0 || side.mode !== 'chunked';
};

/** One step in a body: false when it waits for more octets. */
export const stepBody = (
  conn: HttpConnectionState,
  side: HttpSide,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  const message = side.message;
  if (message === undefined) return false;
  if (side.mode === 'chunked') return stepChunked(conn, side, message, ts, out);
  const take = side.mode === 'length' ? Math.min(side.remaining, side.pending.length) : side.pending.length;
  keep(side, message, side.pending.subarray(0, take), ts, out);
  side.pending = side.pending.subarray(take);
  side.remaining -= take;
  if (side.mode === 'length' && side.remaining === 0) finish(conn, side, ts, out);
  return take > 0;
};

/**
 * The body a response declared when its request is not known: a response to HEAD declares the body it would have
 * had (RFC 9110 §9.3.2) and sends none, and read as a body it swallowed the answers after it. A status line where
 * the body would start may be the next answer, so this one had none, or the start of a body (a download its sender
 * chose, which could then make the tap read its own answers in it). Which, `hasBody` decides.
 */
export const stepProbe = (
  conn: HttpConnectionState,
  side: HttpSide,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  const verdict = detectStatusLine(side.pending);
  if (verdict === 'need-more' && !conn.ending) return false;
  const body = verdict === 'match' ? hasBody(side, conn.ending) : true;
  if (body === undefined) return false;
  if (body) side.mode = side.declared;
  else finish(conn, side, ts, out);
  return true;
};
