/** Walks one side's octets frame by frame (RFC 9113 §4.1), handing each frame to what reads its type. */
import type { ProtocolEvent } from '../events.ts';
import type { Http2Connection } from './http2-connection.ts';
import { onControlFrame } from './http2-control-frames.ts';
import { onData } from './http2-data-frames.ts';
import { type FrameHeader, frameHeaderLength, frameType, readFrameHeader } from './http2-frame.ts';
import { onContinuation, onHeadersFrame } from './http2-header-blocks.ts';
import { carriesBlock, startLarge, takeLarge } from './http2-large-header-frames.ts';
import { empty, maxBufferedFrame, type Side } from './http2-side.ts';

const onFrame = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): void => {
  if (side.block !== undefined && header.type !== frameType.continuation) {
    side.stopped = true;
    return;
  }
  switch (header.type) {
    case frameType.headers:
    case frameType.pushPromise:
      onHeadersFrame(conn, side, header, payload, ts, out);
      return;
    case frameType.continuation:
      onContinuation(conn, side, header, payload, ts, out);
      return;
    case frameType.data:
      onData(conn, side, header, payload, ts, out);
      return;
    default:
      onControlFrame(conn, side, header, payload, ts, out);
  }
};

/** Skips the rest of an oversized DATA frame already reported as truncated. */
export const skipBytes = (side: Side, bytes: Uint8Array): Uint8Array => {
  const skipped = Math.min(side.skip, bytes.length);
  side.skip -= skipped;
  return bytes.subarray(skipped);
};

/** A frame too large to buffer: DATA is reported truncated and skipped; anything else ends parsing. */
const oversized = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  bytes: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): Uint8Array => {
  if (header.type !== frameType.data) side.stopped = true;
  else onData(conn, side, header, undefined, ts, out);
  side.skip = frameHeaderLength + header.length;
  return skipBytes(side, bytes);
};

/**
 * A frame not all here: undefined to wait for the rest when it fits `maxBufferedFrame` (or a large header frame's
 * pad length is still to come), else what is left once it is skipped (DATA), begun (a header frame) or stops the side.
 */
const partialFrame = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  bytes: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): Uint8Array | undefined => {
  if (header.length <= maxBufferedFrame) return undefined;
  if (!carriesBlock(header)) return oversized(conn, side, header, bytes, ts, out);
  return bytes.length > frameHeaderLength ? startLarge(conn, side, header, bytes, ts, out) : undefined;
};

/** One frame, or the next octets of a large header frame, from `bytes`: what is left, undefined to wait for more. */
const step = (
  conn: Http2Connection,
  side: Side,
  bytes: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): Uint8Array | undefined => {
  if (side.large !== undefined) return takeLarge(conn, side, side.large, bytes, ts, out);
  if (bytes.length < frameHeaderLength) return undefined;
  const header = readFrameHeader(bytes, 0);
  const total = frameHeaderLength + header.length;
  if (bytes.length < total) return partialFrame(conn, side, header, bytes, ts, out);
  onFrame(conn, side, header, bytes.subarray(frameHeaderLength, total), ts, out);
  return bytes.subarray(total);
};

/** Reads every whole frame pending on the side; what is left is kept for the next chunk. */
export const drain = (conn: Http2Connection, side: Side, ts: number, out: ProtocolEvent[]): void => {
  let bytes = side.pending;
  // Frames past the event cap are still parsed (HPACK state must follow every header block).
  while (!side.stopped && bytes.length > 0) {
    const rest = step(conn, side, bytes, ts, out);
    if (rest === undefined) break;
    bytes = rest;
  }
  // A copy of what is left: the caller may reuse the chunk's memory once `feed` returns.
  side.pending = side.stopped || bytes.length === 0 ? empty : bytes.slice();
};
