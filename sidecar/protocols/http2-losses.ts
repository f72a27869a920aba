/** Octets lost on one side of an HTTP/2 connection: skipped inside a frame that holds no header block (ADR 34). */
import type { ProtocolEvent } from '../events.ts';
import type { Http2Connection } from './http2-connection.ts';
import { onData } from './http2-data-frames.ts';
import { frameHeaderLength, frameType, readFrameHeader } from './http2-frame.ts';
import { empty, type Side } from './http2-side.ts';

/** A loss inside the rest of a frame already being skipped: true when it ends within it. */
const skipWithin = (side: Side, lost: number): boolean => {
  if (lost > side.skip) return false;
  side.skip -= lost;
  return true;
};

/**
 * A loss of known length inside a frame whose header was read, in the frame: skipped with the rest of the frame (ADR
 * 34), so a long-lived connection is not blind after one lost segment of a body. A DATA frame's message is told
 * cut. Not for a header block (HEADERS, CONTINUATION, PUSH_PROMISE): HPACK's table would be wrong from there on.
 */
export const skipLoss = (conn: Http2Connection, side: Side, lost: number, out: ProtocolEvent[]): boolean => {
  if (!(lost > 0)) return lost === 0;
  if (side.skip > 0) return skipWithin(side, lost);
  if (!side.prefaceChecked || side.block !== undefined || side.pending.length < frameHeaderLength)
    return false;
  const header = readFrameHeader(side.pending, 0);
  const left = frameHeaderLength + header.length - side.pending.length;
  const blocks = header.type === frameType.headers || header.type === frameType.continuation;
  if (left <= 0 || lost > left || blocks || header.type === frameType.pushPromise) return false;
  if (header.type === frameType.data) onData(conn, side, header, undefined, side.ts, out);
  side.pending = empty;
  side.skip = left - lost;
  return true;
};
