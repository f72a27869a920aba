/**
 * What of an answer's body the HTTP/1.x reader lets pass unread (ProtocolParser.pass): once the answer is told (its
 * first 8 KiB kept), the rest of a body of known length, or of the chunk being read, is octets it would only count.
 * The engine then hands them to nobody, so a download costs its head and first 8 KiB wherever it lies on the
 * connection, and the answers after it are read (ADR 58).
 */
import type { ProtocolEvent } from '../events.ts';
import { finish } from './http-answer.ts';
import type { HttpConnectionState } from './http-connection-state.ts';
import type { HttpSide } from './http-side.ts';

/**
 * The octets next on `side` taken as read, 0 when none; Infinity for a body read until the close (nothing follows it).
 * Only an answer already told, nothing buffered, and no request waiting on its answer to switch protocols (its end
 * would then release what the client sent behind it): the end of such a body tells nothing (a body-less answer, 1xx,
 * 101 or a CONNECT's 2xx, never reaches it), it pairs the request, and the next octets start the next answer's head.
 */
export const passBody = (conn: HttpConnectionState, side: HttpSide): number => {
  const message = side.message;
  if (side.direction !== 'to-client' || message === undefined || !message.emitted) return 0;
  if (side.pending.length > 0 || conn.switchAsked || !conn.held.empty()) return 0;
  if (side.mode === 'until-close') return Number.POSITIVE_INFINITY;
  if (side.mode === 'length' && side.remaining > 0) {
    const octets = side.remaining;
    side.remaining = 0;
    const untold: ProtocolEvent[] = [];
    finish(conn, side, side.ts, untold);
    return octets;
  }
  const chunk = side.chunked;
  if (side.mode !== 'chunked' || chunk.phase !== 'data' || chunk.remaining === 0) return 0;
  const octets = chunk.remaining;
  chunk.remaining = 0;
  chunk.phase = 'data-end';
  return octets;
};
