/** An HTTP/2 connection seen from the wire: preface, frames, HPACK per direction, streams → events. */
import type { Direction, HttpRequestRef, ProtocolEvent } from '../events.ts';
import { createHttp2Connection, type Http2Connection } from './http2-connection.ts';
import { drain, skipBytes } from './http2-frame-walk.ts';
import { skipLoss } from './http2-losses.ts';
import { passData } from './http2-pass.ts';
import { empty, type Side } from './http2-side.ts';
import { Http2WindowOverflow } from './http2-window-overflow.ts';

/** RFC 9113 §3.4: the client connection preface. */
export const http2Preface = Uint8Array.from(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'));

export type Http2Session = {
  feed(chunk: Uint8Array, direction: Direction, ts: number, out: ProtocolEvent[]): void;
  /** Octets lost (`lost` of them when known): skipped inside a frame holding no header block, else the side stops. */
  gap(direction: Direction, lost: number | undefined, out: ProtocolEvent[]): void;
  /** The server's DATA octets next it lets pass unread (http2-pass.ts). */
  pass(direction: Direction): number;
};

const startsWith = (bytes: Uint8Array, prefix: Uint8Array): boolean => {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i += 1) if (bytes[i] !== prefix[i]) return false;
  return true;
};

/**
 * Consumes the client preface when present; false while a short prefix still matches it. With it, the connection is
 * seen from its start and the client's windows can be accounted for, unless an h2c upgrade came first: its
 * HTTP2-Settings header, not read, may have set stream 1's window (RFC 7540 §3.2.1).
 */
const checkPreface = (conn: Http2Connection, side: Side): boolean => {
  if (side.prefaceChecked) return true;
  if (side.pending.length < http2Preface.length && startsWith(side.pending, http2Preface)) return false;
  if (startsWith(side.pending, http2Preface)) {
    side.pending = side.pending.subarray(http2Preface.length);
    if (conn.streams === 0) conn.windows = new Http2WindowOverflow();
  }
  side.prefaceChecked = true;
  return true;
};

/** `chunk` joined to what the side has pending. */
const append = (side: Side, chunk: Uint8Array): void => {
  if (side.pending.length === 0) side.pending = chunk;
  else {
    const merged = new Uint8Array(side.pending.length + chunk.length);
    merged.set(side.pending);
    merged.set(chunk, side.pending.length);
    side.pending = merged;
  }
};

/**
 * Creates a session; the client preface is consumed when present (absent when picked up mid-stream). After an h2c
 * upgrade, `upgraded` is the HTTP/1.1 request that asked for it (http2-connection.ts).
 */
export const createHttp2Session = (upgraded?: HttpRequestRef): Http2Session => {
  const conn = createHttp2Connection(upgraded);
  return {
    feed(chunk, direction, ts, out) {
      const side = conn.sides[direction];
      if (side.stopped) return;
      side.ts = ts;
      const rest = side.skip > 0 ? skipBytes(side, chunk) : chunk;
      if (rest.length === 0) return;
      // No bound on the chunk: what is left pending after a drain is one partial frame of at most maxBufferedFrame
      // (longer DATA is skipped, other frames stop the side), and a reassembler may hand over 256 KiB at once.
      append(side, rest);
      if (checkPreface(conn, side)) drain(conn, side, ts, out);
      else if (side.pending === rest) side.pending = rest.slice();
    },
    gap(direction, lost, out) {
      const side = conn.sides[direction];
      if (side.stopped || (lost !== undefined && skipLoss(conn, side, lost, out))) return;
      // HPACK state cannot survive lost bytes of a header block (RFC 7541 §2.2), nor framing a loss of unknown length.
      side.stopped = true;
      side.pending = empty;
    },
    pass: (direction) => passData(conn.sides[direction]),
  };
};
