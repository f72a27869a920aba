/**
 * HTTP/2 frames that carry no message (RFC 9113 §6.3-§6.9): RST_STREAM (Rapid Reset, MadeYouReset), PRIORITY and
 * WINDOW_UPDATE (stream errors, http2-window-overflow.ts), PING and SETTINGS (floods), GOAWAY (ends every message).
 */
import type { ProtocolEvent } from '../events.ts';
import { type Http2Connection, peerOf, streamError } from './http2-connection.ts';
import { type FrameHeader, frameFlag, frameType } from './http2-frame.ts';
import { control, type Side } from './http2-side.ts';
import { clientStreamError } from './http2-stream-errors.ts';

const onReset = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): void => {
  // Rapid Reset: the client cancels a stream the server has not answered (CVE-2023-44487).
  if (side.direction === 'to-server') {
    if (conn.awaiting.forget(header.streamId)) control(side).count('resets', ts, conn.streams, out);
  } else {
    // MadeYouReset: the server resets a client's stream for the client's error (CVE-2025-8671).
    const code = conn.errors.serverReset(header.streamId, payload);
    if (code !== undefined)
      control(side).count('server-resets', ts, conn.errors.dealtWith(conn.streams), out, code);
  }
  side.messages.flush(header.streamId, ts, out, true);
  peerOf(conn, side).messages.flush(header.streamId, ts, out, true);
};

/** A client WINDOW_UPDATE that is a stream error: an increment of 0, or one past 2^31-1 no DATA covered. */
const windowError = (conn: Http2Connection, header: FrameHeader, payload: Uint8Array): string | undefined =>
  clientStreamError(header, payload) ?? conn.windows?.update(header, payload);

/** A PING or SETTINGS frame that asks for an acknowledgement; the client's SETTINGS may set its streams' window. */
const onPingOrSettings = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): void => {
  const ping = header.type === frameType.ping;
  control(side).count(ping ? 'pings' : 'settings', ts, conn.streams, out);
  if (!ping && side.direction === 'to-server') conn.windows?.settings(payload, conn.streams > 0);
};

/** A frame of one of these kinds; other kinds (and unknown ones, §5.5) are left alone. */
export const onControlFrame = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): void => {
  switch (header.type) {
    case frameType.rstStream:
      onReset(conn, side, header, payload, ts, out);
      return;
    case frameType.priority:
      if (side.direction === 'to-server')
        streamError(conn, side, clientStreamError(header, payload), ts, out);
      return;
    case frameType.windowUpdate:
      if (side.direction === 'to-server')
        streamError(conn, side, windowError(conn, header, payload), ts, out);
      return;
    case frameType.ping:
    case frameType.settings:
      if ((header.flags & frameFlag.ack) === 0) onPingOrSettings(conn, side, header, payload, ts, out);
      return;
    case frameType.goaway:
      conn.sides['to-server'].messages.flushAll(ts, out);
      conn.sides['to-client'].messages.flushAll(ts, out);
      return;
    default:
  }
};
