/**
 * Octets an HTTP/1.x side reads past (a head past the bound, octets that start no message) or loses: what they cut is
 * told with what was seen, and what the pairing of answers keeps after them.
 */
import type { ProtocolEvent } from '../events.ts';
import { emit, type HttpConnectionState } from './http-connection-state.ts';
import { maxHeadLength, parseHttpHead } from './http-head.ts';
import { newHttpMessage } from './http-message.ts';
import { afterInterimLoss, afterLoss } from './http-pairing.ts';
import { concat, firstLine, type HttpSide, interimHead, startResync } from './http-side.ts';

const crlf = Uint8Array.of(0x0d, 0x0a);

/** A cut head's whole lines, told as a message whose body is unread (none when no line is whole). */
const tellCutHead = (conn: HttpConnectionState, side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
  const lastLine = side.pending.subarray(0, maxHeadLength).lastIndexOf(0x0a);
  // Read with the line end put after them: with lines to the 64 KiB's last octet, it fell past the bound, and
  // nothing was told.
  const kept =
    lastLine > 0
      ? parseHttpHead(concat(side.pending.subarray(0, lastLine + 1), crlf), maxHeadLength + crlf.length)
      : 'malformed';
  if (typeof kept !== 'object') return;
  const request = side.direction === 'to-server' ? undefined : conn.pairing.outstanding[0]?.request;
  side.message = newHttpMessage(kept.head, side.direction, request);
  side.message.truncated = true;
  emit(side, ts, out);
};

/**
 * What the side holds starts with no request (or status) line: a body longer than its framing said, or octets of
 * something else. Read as a head, it stopped the side for good, or made a message of any line with a space in it.
 * How many messages the octets held is not known (as after a loss), and the side looks for its next start line.
 */
export const outOfFrame = (conn: HttpConnectionState, side: HttpSide): void => {
  afterLoss(conn.pairing, side.direction, false);
  startResync(side, false);
};

/**
 * What the pairing keeps after octets the side reads past: an interim answer's head they cut leaves its request in
 * line for its final answer; any other message (`reading`) or octets are a loss as `afterLoss` says.
 */
export const afterCut = (conn: HttpConnectionState, side: HttpSide, interim: boolean): void => {
  if (interim) afterInterimLoss(conn.pairing);
  else afterLoss(conn.pairing, side.direction, side.message !== undefined);
};

/** What lost octets cut is told with what was seen: a message's head and the body kept, or a head's whole lines. */
export const tellCut = (conn: HttpConnectionState, side: HttpSide, out: ProtocolEvent[]): void => {
  if (side.message !== undefined) {
    side.message.truncated = true;
    emit(side, side.ts, out);
  } else if (side.mode === 'head' && firstLine(side) === 'match') tellCutHead(conn, side, side.ts, out);
};

/**
 * A head past the 64 KiB we hold (Go reads heads up to 1 MiB, so a server may take it): what its first 64 KiB hold
 * is told as a message, its body unread, and reading goes on at the next message, as after lost bytes. Stopping
 * here let one oversized header hide every later request on the connection (ADR 30).
 */
export const cutHead = (
  conn: HttpConnectionState,
  side: HttpSide,
  ts: number,
  out: ProtocolEvent[],
): void => {
  // `stepHead` read the first line when it ended; one that does not end in 64 KiB is no start line either.
  if (firstLine(side) !== 'match') {
    outOfFrame(conn, side);
    if (side.pending.indexOf(0x0a) < 0) side.pending = side.pending.subarray(maxHeadLength);
    return;
  }
  const lastLine = side.pending.subarray(0, maxHeadLength).lastIndexOf(0x0a);
  const interim = interimHead(side);
  tellCutHead(conn, side, ts, out);
  afterCut(conn, side, interim);
  side.message = undefined;
  // From the line after the last whole one; with no line end in 64 KiB (one line that long), past all of it: each
  // cut consumes octets, so a line that never ends cannot loop.
  side.pending = side.pending.subarray(lastLine > 0 ? lastLine + 1 : maxHeadLength);
  startResync(side, lastLine > 0);
};
