/** HTTP/2 DATA frames (RFC 9113 §6.1): a message's body, and a client's DATA after its END_STREAM (MadeYouReset). */
import type { ProtocolEvent } from '../events.ts';
import { type Http2Connection, streamError } from './http2-connection.ts';
import { type FrameHeader, frameFlag, unpad } from './http2-frame.ts';
import { control, type Side } from './http2-side.ts';

/** A client's DATA frame: one on a stream it ended has no open message (it was told at END_STREAM). */
const clientData = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  open: boolean,
  ts: number,
  out: ProtocolEvent[],
): void => {
  if (!open && conn.errors.afterEnd(header.streamId))
    streamError(conn, side, 'DATA after END_STREAM', ts, out);
  else if (header.flags & frameFlag.endStream) conn.errors.ended(header.streamId);
};

/** A DATA frame, its payload undefined when it is too large to buffer or cut by a loss (its message is truncated). */
export const onData = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array | undefined,
  ts: number,
  out: ProtocolEvent[],
): void => {
  if (header.length === 0 && (header.flags & frameFlag.endStream) === 0)
    control(side).count('empty-frames', ts, conn.streams, out);
  const message = side.messages.get(header.streamId);
  if (side.direction === 'to-server') clientData(conn, side, header, message !== undefined, ts, out);
  if (message === undefined) return;
  const data = payload === undefined ? undefined : unpad(payload, header.flags);
  if (data === undefined) message.truncated = true;
  side.messages.append(message, data ?? new Uint8Array(0), ts, out);
  if (payload === undefined || header.flags & frameFlag.endStream) {
    side.messages.flush(header.streamId, ts, out, (header.flags & frameFlag.endStream) !== 0);
  }
};
